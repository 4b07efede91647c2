"""A registry backend over directories of OCI image layouts.

A layout (an ``oci-layout`` marker, ``index.json`` and ``blobs/<alg>/<hex>``) is
what ``skopeo copy ... oci:DIR:TAG``, BuildKit and zot write; each one is a
repository here. Tags are the ``org.opencontainers.image.ref.name`` annotations
of index.json entries; entries without one are untagged manifests. Deletes only
edit index.json: blobs stay, as nothing here can tell what else shares them.

Not handled: other programs writing the same layout at the same time. The index
is replaced atomically, so no reader sees half a file, but layout writers share
no lock, so of two simultaneous rewrites one can be lost (writes through one
:class:`LayoutRegistry` are serialised). Layouts nested in a layout, and those
reached only through a symbolic link, are not discovered: not following links
keeps a link loop from hanging the scan.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from . import errors
from .layoutindex import (
    INDEX,
    REF_NAME,
    RESTORE,
    Entry,
    drop_tag,
    load_index,
    replace_file,
    tag_of,
    write_index,
)
from .manifests import compute_digest, parse_manifest, verify_digest
from .models import DeleteOutcome, DeletePath, ImageManifest, Manifest
from .reference import parse_digest, validate_tag

__all__ = ["REF_NAME", "LayoutRegistry"]

_MARKER = "oci-layout"
_INDEX = INDEX
_BLOBS_KEPT = "Only index.json changed: the manifest and its blobs stay on disk"

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _in_thread(
    method: Callable[Concatenate[LayoutRegistry, _P], _T],
) -> Callable[Concatenate[LayoutRegistry, _P], Coroutine[Any, Any, _T]]:
    """Run a blocking method in a worker thread, so an event loop never waits."""

    async def run(self: LayoutRegistry, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        return await asyncio.to_thread(method, self, *args, **kwargs)

    functools.update_wrapper(run, method)
    return run


class LayoutRegistry:
    """Repositories, tags, manifests and blobs read from OCI image layouts.

    ``path`` is one layout, a repository named after its directory, or a tree
    searched for layouts, each named by its relative path (``team/api``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.root = Path(path).expanduser().absolute()
        self._single = (self.root / _MARKER).is_file()
        self._write_lock = threading.Lock()

    @property
    def name(self) -> str:
        """``oci:<path>``, the way skopeo spells a layout transport."""
        return f"oci:{self.root}"

    @property
    def tag_delete_path(self) -> str:
        """How removing one tag works here, for delete confirmations."""
        return "the tag's entry is removed from the layout's index.json."

    @property
    def supports_catalog(self) -> bool:
        """Always True: the layouts on disk are the catalog."""
        return True

    def pull_reference(self, repository: str) -> str:
        """``oci:<layout directory>``, the name skopeo, buildah and podman use.

        A person adds ``:tag``: ``skopeo copy oci:/srv/team/api:1.2 docker://...``.
        """
        return f"oci:{self.root if self._single else self.root / repository}"

    @_in_thread
    def ping(self) -> None:
        """Check that the path exists and can be read."""
        self._check_root()

    @_in_thread
    def repositories(self) -> list[str]:
        """Every layout under the path, named by its relative path, sorted."""
        self._check_root()
        if self._single:
            return [self.root.name]
        found = []
        for directory, subdirectories, files in os.walk(self.root):
            if _MARKER in files and directory != str(self.root):
                found.append(Path(directory).relative_to(self.root).as_posix())
                # A layout's blobs/ can hold thousands of files and no layouts.
                subdirectories.clear()
            else:
                # Hidden directories (.git, caches) hold no layouts worth a scan.
                subdirectories[:] = [d for d in subdirectories if d[:1] != "."]
        return sorted(found)

    @_in_thread
    def tags(self, repository: str) -> list[str]:
        """The distinct tags in ``repository``'s index.json, sorted."""
        _, entries, _ = self._index(repository)
        return sorted({tag for entry in entries if (tag := tag_of(entry))})

    @_in_thread
    def untagged(self, repository: str) -> list[str]:
        """Digests listed in index.json that no tag points at, in index order."""
        _, entries, _ = self._index(repository)
        tagged = {entry["digest"] for entry in entries if tag_of(entry)}
        digests = (entry["digest"] for entry in entries if not tag_of(entry))
        return list(dict.fromkeys(d for d in digests if d not in tagged))

    @_in_thread
    def resolve(self, repository: str, reference: str) -> str:
        """The digest under a tag; a digest is returned if its blob exists."""
        return self._locate(repository, reference)[1]

    @_in_thread
    def manifest(self, repository: str, reference: str) -> Manifest:
        """The manifest under a tag or digest, checked against its digest."""
        layout, digest, media_type = self._locate(repository, reference)
        path = _blob_path(layout, digest)
        gone = f"{_INDEX} names a manifest whose file {path} is gone"
        with _reading(path, errors.ManifestUnknown(f"{digest} is missing", hint=gone)):
            raw = path.read_bytes()
        _verify(raw, digest, path)
        return parse_manifest(raw, digest, media_type)

    @_in_thread
    def blob(self, repository: str, digest: str) -> bytes:
        """A blob's bytes, read whole (meant for configs and manifests)."""
        path = _blob_path(self._layout(repository), digest)
        with _reading(path, errors.NotFound(f"no blob {digest} in {repository}")):
            return path.read_bytes()

    @_in_thread
    def has_blob(self, repository: str, digest: str) -> bool:
        """Whether ``blobs/`` holds ``digest`` (manifests are blobs too)."""
        return _blob_path(self._layout(repository), digest).is_file()

    # Deleting only edits index.json, so a manifest is held while its blob is.
    has_manifest = has_blob

    @_in_thread
    def put_manifest(
        self, repository: str, reference: str, media_type: str, raw: bytes
    ) -> str:
        """Store a manifest under a tag (moving it), or untagged under its digest.

        A layout has no upload API: :class:`NotFound` if it lacks a needed blob.
        """
        by_digest = ":" in reference
        digest = parse_digest(reference) if by_digest else compute_digest(raw)
        _verify(raw, digest, "the manifest to store")
        manifest = parse_manifest(raw, digest, media_type)
        if manifest.media_type != media_type:
            raise errors.ProtocolError(f"the manifest says {manifest.media_type}")

        with self._write_lock:
            layout, entries, document = self._index(repository)
            _require_blobs(layout, manifest)
            entry: Entry = {"mediaType": media_type, "digest": digest, "size": len(raw)}
            if by_digest and any(e["digest"] == digest for e in entries):
                return digest
            if not by_digest:
                tagged = {e["digest"] for e in entries if tag_of(e) == reference}
                if tagged == {digest}:
                    return digest
                # The tagged entry replaces any untagged one for the same digest.
                entries = drop_tag(entries, validate_tag(reference))
                entries = [e for e in entries if e["digest"] != digest or tag_of(e)]
                entry["annotations"] = {REF_NAME: reference}
            blob = _blob_path(layout, digest)
            with _writing(layout, errors.AccessDenied):
                if not blob.is_file():
                    blob.parent.mkdir(parents=True, exist_ok=True)
                    replace_file(blob, raw, like=layout / _INDEX)
                write_index(layout, document, [*entries, entry])
        return digest

    @_in_thread
    def delete_manifest(self, repository: str, digest: str) -> DeleteOutcome:
        """Remove every index.json entry for ``digest``; blobs stay on disk."""
        with self._write_lock:
            layout, entries, document = self._index(repository)
            removed = [entry for entry in entries if entry["digest"] == digest]
            if not removed:
                raise _unknown_manifest(f"manifest {digest}", repository, layout)
            kept = [entry for entry in entries if entry["digest"] != digest]
            with _writing(layout, errors.DeleteUnsupported):
                write_index(layout, document, kept)

        tags = sorted({tag for entry in removed if (tag := tag_of(entry))})
        return DeleteOutcome(DeletePath.LAYOUT, digest, tuple(tags), _BLOBS_KEPT)

    @_in_thread
    def delete_tag(self, repository: str, tag: str) -> DeleteOutcome:
        """Remove one tag; a manifest left with no tag stays, untagged."""
        with self._write_lock:
            layout, entries, document = self._index(repository)
            digests = [entry["digest"] for entry in entries if tag_of(entry) == tag]
            if not digests:
                raise _unknown_manifest(f"tag {tag!r}", repository, layout)
            kept = drop_tag(entries, tag)
            with _writing(layout, errors.DeleteUnsupported):
                write_index(layout, document, kept)

        digest: str = digests[0]
        orphan = not any(tag_of(entry) for entry in kept if entry["digest"] == digest)
        note = "The manifest stays in the layout, untagged" if orphan else None
        return DeleteOutcome(DeletePath.LAYOUT, digest, (tag,), note)

    async def aclose(self) -> None:
        """Nothing to release: no file stays open between calls."""

    def _check_root(self) -> None:
        missing = errors.RegistryUnreachable(f"{self.root} does not exist")
        with _reading(self.root, missing), os.scandir(self.root):
            pass

    def _layout(self, repository: str) -> Path:
        parts = repository.split("/")
        if any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise errors.InvalidReference(f"invalid repository name {repository!r}")
        layout = self.root if self._single else self.root.joinpath(*parts)
        wrong_name = self._single and repository != self.root.name
        if wrong_name or not (layout / _MARKER).is_file():
            self._check_root()
            raise errors.RepositoryUnknown(
                f"no repository {repository!r} in {self.name}",
                code="NAME_UNKNOWN",
                hint=f"{layout} is not an OCI image layout (it has no {_MARKER})",
            )
        return layout

    def _index(self, repository: str) -> tuple[Path, list[Entry], dict[str, Any]]:
        layout = self._layout(repository)
        path = layout / _INDEX
        with _reading(path, errors.ProtocolError(f"{path} is missing", hint=RESTORE)):
            info = path.stat()
            document = load_index(path, (info.st_ino, info.st_size, info.st_mtime_ns))
        return layout, document["manifests"], document

    def _locate(self, repository: str, reference: str) -> tuple[Path, str, str | None]:
        layout, entries, _ = self._index(repository)
        if ":" not in reference:
            for entry in entries:
                if tag_of(entry) == reference:
                    return layout, entry["digest"], entry["mediaType"]
            raise _unknown_manifest(f"tag {reference!r}", repository, layout)
        known = [e["mediaType"] for e in entries if e["digest"] == reference]
        if not known and not _blob_path(layout, reference).is_file():
            raise _unknown_manifest(f"manifest {reference}", repository, layout)
        return layout, reference, known[0] if known else None


def _require_blobs(layout: Path, manifest: Manifest) -> None:
    needed = (
        manifest.blobs() if isinstance(manifest, ImageManifest) else manifest.manifests
    )
    for descriptor in needed:
        if not _blob_path(layout, descriptor.digest).is_file():
            raise errors.NotFound(
                f"the manifest refers to {descriptor.digest}, which {layout} lacks",
                hint="Copy the image with its blobs first, e.g. with skopeo copy",
            )


def _blob_path(layout: Path, digest: str) -> Path:
    # parse_digest admits no '/' or '..', so the path stays inside blobs/.
    algorithm, _, encoded = parse_digest(digest).partition(":")
    return layout / "blobs" / algorithm / encoded


def _verify(raw: bytes, digest: str, where: object) -> None:
    verify_digest(
        raw,
        digest,
        where,
        hint="The file changed after it was written; deletes on it are blocked",
    )


@contextmanager
def _reading(path: Path, missing: errors.RegistryError) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError:
        raise missing from None
    except OSError as error:
        raise errors.RegistryUnreachable(
            f"cannot read {path}: {error.strerror}"
        ) from None


@contextmanager
def _writing(layout: Path, failure: type[errors.RegistryError]) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise failure(
            f"cannot write to {layout}: {error.strerror}",
            hint="The layout is read-only here; work on a writable copy of it",
        ) from None


def _unknown_manifest(what: str, repository: str, layout: Path) -> errors.NotFound:
    hint = f"Neither {layout / _INDEX} nor its blobs/ has it"
    return errors.ManifestUnknown(f"no {what} in {repository}", hint=hint)
