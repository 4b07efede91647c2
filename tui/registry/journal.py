"""The delete journal: what every delete took, written before the delete is sent.

One JSON object per line in ``$XDG_STATE_HOME/tagyard/journal.jsonl`` (file mode
0600, folder 0700). Before a delete request leaves, a ``delete`` record with the
exact manifest bytes (and an index's child manifests) is appended and flushed
to disk with ``fsync``; after the registry answers, a ``result`` record says how
it went. So a run killed between two deletes leaves a journal that names every
request it sent: the last ``delete`` record without a ``result`` is the one
that was in flight. Records never hold credentials: only registry names,
repository names, digests, tags and manifests.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from .errors import RegistryError

__all__ = [
    "Journal",
    "JournalEntry",
    "JournalError",
    "SavedManifest",
    "default_journal_path",
]


class JournalError(RegistryError):
    """The journal cannot be written or read, or has no such entry."""


@dataclass(frozen=True)
class SavedManifest:
    """A manifest's digest, media type and exact bytes."""

    digest: str
    media_type: str
    raw: bytes

    def to_json(self) -> dict[str, str]:
        """The manifest as a journal field (text when it is UTF-8, else base64)."""
        try:
            return {
                "digest": self.digest,
                "media_type": self.media_type,
                "manifest": self.raw.decode("utf-8"),
            }
        except UnicodeDecodeError:
            return {
                "digest": self.digest,
                "media_type": self.media_type,
                "manifest_base64": base64.b64encode(self.raw).decode("ascii"),
            }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SavedManifest:
        """Read a manifest written by :meth:`to_json`."""
        if "manifest_base64" in data:
            raw = base64.b64decode(data["manifest_base64"])
        else:
            raw = str(data["manifest"]).encode("utf-8")
        return cls(str(data["digest"]), str(data["media_type"]), raw)


@dataclass(frozen=True)
class JournalEntry:
    """One delete and, once the registry answered, its result."""

    id: str
    time: str
    registry: str
    repository: str
    action: str
    manifest: SavedManifest
    tags: tuple[str, ...]
    children: tuple[SavedManifest, ...] = ()
    path: str | None = None
    result: dict[str, Any] | None = None
    undone: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """The digest of the deleted (or untagged) manifest."""
        return self.manifest.digest

    @property
    def state(self) -> str:
        """``done``, ``failed``, ``in flight`` (no answer recorded) or ``undone``."""
        if self.undone:
            return "undone"
        if self.result is None:
            return "in flight"
        return "done" if self.result.get("ok") else "failed"


def default_journal_path() -> Path:
    """``$XDG_STATE_HOME/tagyard/journal.jsonl`` (per platformdirs)."""
    return Path(platformdirs.user_state_dir("tagyard")) / "journal.jsonl"


class Journal:
    """Appends delete records durably and reads them back."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()

    def record_delete(
        self,
        *,
        registry: str,
        repository: str,
        action: str,
        manifest: SavedManifest,
        tags: tuple[str, ...],
        children: tuple[SavedManifest, ...] = (),
        path: str | None = None,
    ) -> str:
        """Durably record a delete that is about to be sent; returns its id."""
        entry_id = _new_id()
        self._append(
            {
                "type": "delete",
                "id": entry_id,
                "time": _now(),
                "registry": registry,
                "repository": repository,
                "action": action,
                "tags": list(tags),
                "path": path,
                **manifest.to_json(),
                "children": [child.to_json() for child in children],
            }
        )
        return entry_id

    def record_result(
        self,
        entry_id: str,
        *,
        ok: bool,
        path: str | None = None,
        note: str | None = None,
    ) -> None:
        """Record how the registry answered the delete ``entry_id``."""
        self._append(
            {
                "type": "result",
                "id": entry_id,
                "time": _now(),
                "ok": ok,
                "path": path,
                "note": note,
            }
        )

    def record_undo(self, entry_id: str, *, tags: tuple[str, ...]) -> None:
        """Record that the delete ``entry_id`` was undone."""
        self._append(
            {"type": "undo", "id": entry_id, "time": _now(), "tags": list(tags)}
        )

    def entries(self) -> list[JournalEntry]:
        """Every delete, oldest first, with its result and undo state."""
        deletes: dict[str, dict[str, Any]] = {}
        for record in self._records():
            entry_id = str(record.get("id", ""))
            kind = record.get("type")
            if kind == "delete":
                deletes[entry_id] = dict(record)
            elif kind == "result" and entry_id in deletes:
                deletes[entry_id]["result"] = record
            elif kind == "undo" and entry_id in deletes:
                deletes[entry_id]["undone"] = True
        return [_entry(record) for record in deletes.values()]

    def find(self, key: str | None) -> JournalEntry:
        """The entry with id ``key`` (a unique prefix will do).

        Without a key: the most recent delete that can still be undone, so
        that repeating ``undo --last`` walks back through the journal.
        """
        entries = self.entries()
        if not entries:
            raise JournalError(f"the journal {self.path} holds no deletes")
        if key is None:
            undoable = [e for e in entries if e.state in ("done", "in flight")]
            if not undoable:
                raise JournalError("every delete in the journal is undone or failed")
            return undoable[-1]
        matches = [entry for entry in entries if entry.id.startswith(key)]
        if len(matches) != 1:
            raise JournalError(
                f"{'no' if not matches else 'more than one'} journal entry "
                f"matches {key!r}",
                hint="List the entries with 'tagyard undo --list'",
            )
        return matches[0]

    def _records(self) -> Iterator[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            raise JournalError(f"cannot read {self.path}: {error.strerror}") from None
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                # A line cut short by a crash mid-write carries no request.
                continue
            if isinstance(record, dict):
                yield record

    def _append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(
                self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600
            )
            try:
                os.fchmod(descriptor, 0o600)
                os.write(descriptor, line)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError as error:
            raise JournalError(
                f"cannot write the delete journal {self.path}: {error.strerror}",
                hint="Nothing was deleted; fix the journal's folder and retry",
            ) from None


def _entry(record: dict[str, Any]) -> JournalEntry:
    return JournalEntry(
        id=str(record["id"]),
        time=str(record.get("time", "")),
        registry=str(record.get("registry", "")),
        repository=str(record.get("repository", "")),
        action=str(record.get("action", "")),
        manifest=SavedManifest.from_json(record),
        tags=tuple(str(tag) for tag in record.get("tags", [])),
        children=tuple(SavedManifest.from_json(c) for c in record.get("children", [])),
        path=record.get("path"),
        result=record.get("result"),
        undone=bool(record.get("undone", False)),
    )


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
