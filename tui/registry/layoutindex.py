"""Reading and rewriting the ``index.json`` of an OCI image layout.

The index is parsed once per file version (inode, size and modification time),
since resolving N tags would otherwise parse it N times, and it is rewritten
atomically: a temporary file, ``fsync``, then ``os.replace``, keeping the file's
mode and every field other than ``manifests``.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from . import errors
from .reference import parse_digest

__all__ = [
    "INDEX",
    "REF_NAME",
    "Entry",
    "drop_tag",
    "load_index",
    "tag_of",
    "write_index",
]

REF_NAME = "org.opencontainers.image.ref.name"
INDEX = "index.json"
RESTORE = "Restore the file, or re-create the layout with skopeo copy"

Entry = dict[str, Any]


def tag_of(entry: Entry) -> str | None:
    """The tag an entry names; for ``host/app:1.2@sha256:...`` that is ``1.2``.

    A name with no tag part, such as ``host/app``, yields its last component
    rather than nothing, so a named entry is never taken for an untagged one.
    """
    value = entry.get("annotations", {}).get(REF_NAME)
    if not isinstance(value, str):
        return None
    name = value.split("@", 1)[0]
    return name[max(name.rfind("/"), name.rfind(":")) + 1 :] or None


def drop_tag(entries: list[Entry], tag: str) -> list[Entry]:
    """Entries without ``tag``; a manifest that only it held stays, untagged."""
    kept_digests = {e["digest"] for e in entries if tag_of(e) != tag}
    result = []
    for entry in entries:
        if tag_of(entry) != tag:
            result.append(entry)
        elif entry["digest"] not in kept_digests:
            kept_digests.add(entry["digest"])
            annotations = entry.get("annotations", {})
            rest = {k: v for k, v in annotations.items() if k != REF_NAME}
            untagged = {k: v for k, v in entry.items() if k != "annotations"}
            result.append(untagged | ({"annotations": rest} if rest else {}))
    return result


@functools.lru_cache(maxsize=32)
def load_index(path: Path, version: tuple[int, int, int]) -> dict[str, Any]:
    # Cached per (inode, size, mtime): N tags would mean N parses. Never mutated.
    malformed = errors.ProtocolError(f"{path} is not an OCI index", hint=RESTORE)
    try:
        document = json.loads(path.read_bytes())
    except ValueError:
        raise malformed from None
    entries = document.get("manifests") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(map(_is_entry, entries)):
        raise malformed
    return dict(document)


def _is_entry(value: object) -> bool:
    match value:
        case {"mediaType": str(), "digest": str(digest), "size": int(), **rest}:
            with suppress(errors.InvalidReference):
                parse_digest(digest)
                return isinstance(rest.get("annotations", {}), dict)
    return False


def write_index(layout: Path, document: dict[str, Any], entries: list[Entry]) -> None:
    # Compact, as the Go tools that write layouts do; other fields keep their order.
    updated = {**document, "manifests": entries}
    text = json.dumps(updated, separators=(",", ":"), ensure_ascii=False)
    replace_file(layout / INDEX, text.encode(), like=layout / INDEX)
    # A quick rewrite can keep inode, size and (coarse) mtime: distrust the cache.
    load_index.cache_clear()


def replace_file(path: Path, data: bytes, like: Path) -> None:
    mode = stat.S_IMODE(like.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
