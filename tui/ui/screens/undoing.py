"""Undoing a journaled delete from the UI, on whichever registry it happened.

An entry names its registry the way the registry names itself (a host, or
``oci:`` and a path). If that registry is one the app already has open, the
undo goes through it, and its cached view of the repository is dropped
afterwards; otherwise the registry is opened for the undo alone, with the
same settings the app was started with, and closed again.
"""

from __future__ import annotations

from ...connect import open_registry, parse_target
from ...registry.journal import JournalEntry
from ...registry.undo import UndoResult, undo_entry
from .sources import Source, Sources

__all__ = ["describe_entry", "source_for", "undo_in"]


def source_for(sources: Sources, registry: str) -> Source | None:
    """The app's source for the registry named ``registry``, if it has one."""
    for source in sources.items:
        opened = source.registry
        if source.label == registry or (opened is not None and opened.name == registry):
            return source
    return None


async def undo_in(sources: Sources, entry: JournalEntry) -> UndoResult:
    """Store the entry's manifests again; raises ``RegistryError`` when it cannot.

    :class:`~tui.registry.undo.BlobsMissing` names every blob the registry no
    longer holds.
    """
    source = source_for(sources, entry.registry)
    if source is not None:
        inspector = sources.open(source)
        try:
            return await undo_entry(inspector.registry, sources.journal, entry)
        finally:
            inspector.forget(entry.repository)
    target = parse_target(entry.registry, registry_only=True)
    registry = open_registry(
        target, sources.config, insecure=sources.insecure, read_only=sources.read_only
    )
    try:
        return await undo_entry(registry, sources.journal, entry)
    finally:
        await registry.aclose()


def describe_entry(entry: JournalEntry) -> str:
    """What undoing ``entry`` puts back, for the confirmation."""
    where = f"{entry.registry}/{entry.repository}"
    if entry.tags:
        noun = "tag" if len(entry.tags) == 1 else "tags"
        under = f"under the {noun} {', '.join(entry.tags)}"
    else:
        under = "by digest only (it had no tag)"
    lines = [
        f"Push the manifest {entry.digest} back to {where} {under}.",
        "",
        f"Deleted {entry.time[:19].replace('T', ' ')} UTC (journal entry {entry.id}, "
        f"{entry.state}).",
        "This works only while the registry still holds the image's blobs; if its "
        "garbage collection has run since, nothing is pushed and the missing blobs "
        "are named.",
    ]
    return "\n".join(lines)
