"""Undoing a journaled delete by pushing the saved manifests back.

A registry keeps a deleted image's blobs until its garbage collection runs, so
until then the exact manifest bytes from the journal can be stored again, under
the same tags, and yield the same digest. :func:`undo_entry` first checks with
HEAD that every blob the manifests need is still there and, if any is gone,
names each missing blob and refuses; otherwise it pushes an index's children
first, then the manifest under each of its tags.
"""

from __future__ import annotations

from dataclasses import dataclass

from .backend import Registry
from .errors import RegistryError
from .journal import Journal, JournalEntry, SavedManifest
from .manifests import parse_manifest
from .models import ImageIndex, ImageManifest
from .reference import short_digest

__all__ = ["BlobsMissing", "UndoResult", "missing_blobs", "undo_entry"]


class BlobsMissing(RegistryError):
    """The registry no longer holds blobs the deleted manifests need."""


@dataclass(frozen=True)
class UndoResult:
    """What an undo stored again."""

    entry: JournalEntry
    digest: str
    tags: tuple[str, ...]


async def missing_blobs(
    registry: Registry, repository: str, manifests: list[SavedManifest]
) -> list[tuple[str, str]]:
    """``(blob digest, manifest digest)`` for each blob the registry lacks."""
    known = {saved.digest for saved in manifests}
    missing = []
    for saved in manifests:
        manifest = parse_manifest(saved.raw, saved.digest, saved.media_type)
        if isinstance(manifest, ImageManifest):
            for blob in manifest.blobs():
                if not await registry.has_blob(repository, blob.digest):
                    missing.append((blob.digest, saved.digest))
        elif isinstance(manifest, ImageIndex):
            for entry in manifest.manifests:
                if entry.digest in known:
                    continue
                if not await registry.has_manifest(repository, entry.digest):
                    missing.append((entry.digest, saved.digest))
    return missing


async def undo_entry(
    registry: Registry, journal: Journal, entry: JournalEntry
) -> UndoResult:
    """Store an entry's manifests again under its tags, if the blobs are there."""
    if entry.undone:
        raise RegistryError(f"the delete {entry.id} was already undone")
    if entry.result is not None and not entry.result.get("ok"):
        raise RegistryError(
            f"the delete {entry.id} failed, so there is nothing to undo",
            hint="The registry still holds what it was asked to delete",
        )
    manifests = [*entry.children, entry.manifest]
    missing = await missing_blobs(registry, entry.repository, manifests)
    if missing:
        listed = ", ".join(
            f"{blob} (needed by {short_digest(owner)})" for blob, owner in missing
        )
        raise BlobsMissing(
            f"cannot undo {entry.id}: the registry no longer has {len(missing)} "
            f"blob(s): {listed}",
            hint="Garbage collection has run since the delete; push the image again "
            "from its source",
        )

    for child in entry.children:
        await registry.put_manifest(
            entry.repository, child.digest, child.media_type, child.raw
        )
    saved = entry.manifest
    targets = entry.tags or (saved.digest,)
    for target in targets:
        digest = await registry.put_manifest(
            entry.repository, target, saved.media_type, saved.raw
        )
        if digest != saved.digest:
            raise RegistryError(
                f"the registry stored {digest} instead of {saved.digest}",
                hint="The saved manifest bytes were changed",
            )
    journal.record_undo(entry.id, tags=entry.tags)
    return UndoResult(entry, saved.digest, entry.tags)
