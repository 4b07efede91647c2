"""``tagyard rm`` and ``tagyard undo``.

``rm`` plans every delete first and prints each plan's blast radius (the tags
that go and stay, referencing indexes, orphaned signatures), asks once, then
carries the plans out one by one through the journal. A failure on one
reference is reported and the others still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..config import Config
from ..connect import open_registry, parse_target
from ..registry.deletes import FORCE_HINT, DeletePlan, Deleter, plan_delete
from ..registry.errors import InvalidReference, RegistryError, UnsafeDelete
from ..registry.images import Inspector
from ..registry.journal import Journal
from ..registry.models import DeleteOutcome
from ..registry.undo import undo_entry
from .commands import refuse_if_read_only, repository_target
from .output import short_digest, table

__all__ = ["remove", "undo"]

Confirm = Callable[[str], bool]


async def remove(
    texts: list[str],
    config: Config,
    *,
    assume_yes: bool,
    force: bool,
    with_referrers: bool,
    insecure: bool,
    read_only: bool,
    out: TextIO,
    err: TextIO,
    confirm: Confirm,
) -> int:
    """Delete tags (``:tag``, only that tag) and images (``@digest``, all tags)."""
    refuse_if_read_only("rm", read_only, config)
    targets = [repository_target(text) for text in texts]
    for text, target in zip(texts, targets, strict=True):
        if target.tag and target.digest:
            raise InvalidReference(
                f"{text}: give either :tag (removes that tag) or @digest (removes "
                "the image), not both"
            )
        if not target.reference:
            raise InvalidReference(
                f"{text} names no tag or digest",
                hint="Add :tag to remove one tag, or @digest to remove an image",
            )
    if len({target.registry for target in targets}) > 1:
        raise InvalidReference("rm takes references from one registry at a time")

    registry = open_registry(targets[0], config, insecure=insecure)
    try:
        inspector = Inspector(registry)
        plans: list[DeletePlan] = []
        for target in targets:
            assert target.repository is not None
            plan = await plan_delete(
                inspector, target.repository, tag=target.tag, digest=target.digest
            )
            if with_referrers:
                for referrer in plan.referrers:
                    plans.append(
                        await plan_delete(
                            inspector, target.repository, digest=referrer.digest
                        )
                    )
            plans.append(plan)
        for plan in plans:
            out.write("\n".join(plan.describe()) + "\n")
            if plan.referrers and not with_referrers:
                out.write("Pass --with-referrers to delete them with the image.\n")
        blocked = [plan for plan in plans if plan.blocked]
        if blocked and not force:
            raise UnsafeDelete(f"refused: {blocked[0].blocked}", hint=FORCE_HINT)
        if not assume_yes and not confirm(f"Delete {_count(plans)}? [y/N] "):
            out.write("Nothing deleted.\n")
            return 1

        deleter = Deleter(inspector, Journal())
        failures = 0
        for plan in plans:
            try:
                _report(plan, await deleter.run(plan, force=force), out)
            except RegistryError as error:
                failures += 1
                err.write(f"tagyard: error: {error}\n")
        hint = getattr(registry, "garbage_collection_hint", None)
        if hint and any(p.action == "image" or not p.surviving_tags for p in plans):
            out.write(f"{hint}.\n")
    finally:
        await registry.aclose()
    return 1 if failures else 0


async def undo(
    key: str | None,
    config: Config,
    *,
    list_entries: bool,
    insecure: bool,
    read_only: bool,
    out: TextIO,
) -> int:
    """Undo a journaled delete (the last one by default), or list the journal."""
    journal = Journal()
    if list_entries:
        rows = [
            [
                entry.id,
                entry.time[:19].replace("T", " "),
                f"{entry.registry}/{entry.repository}",
                entry.action,
                ", ".join(entry.tags) or "-",
                short_digest(entry.digest),
                entry.state,
            ]
            for entry in reversed(journal.entries())
        ]
        headers = ["ID", "TIME", "REPOSITORY", "ACTION", "TAGS", "DIGEST", "STATE"]
        out.write(table(headers, rows) + "\n")
        return 0
    refuse_if_read_only("undo", read_only, config)
    entry = journal.find(key)
    target = parse_target(entry.registry, registry_only=True)
    registry = open_registry(target, config, insecure=insecure)
    try:
        result = await undo_entry(registry, journal, entry)
    finally:
        await registry.aclose()
    tags = ", ".join(result.tags) if result.tags else "no tag (by digest)"
    out.write(
        f"Restored {entry.repository}@{result.digest} under {tags} "
        f"(journal entry {entry.id}).\n"
    )
    return 0


def _count(plans: list[DeletePlan]) -> str:
    tags = sum(1 for plan in plans if plan.tag)
    images = len(plans) - tags
    parts = []
    if tags:
        parts.append(f"{tags} tag{'s' if tags != 1 else ''}")
    if images:
        parts.append(f"{images} image{'s' if images != 1 else ''}")
    return " and ".join(parts)


def _report(plan: DeletePlan, outcome: DeleteOutcome, out: TextIO) -> None:
    note = f"; {outcome.note}" if outcome.note else ""
    if plan.tag:
        out.write(
            f"Removed the tag {plan.repository}:{plan.tag} "
            f"({outcome.path.value}{note}).\n"
        )
        return
    removed = ", ".join(outcome.removed_tags) or "no tags"
    out.write(
        f"Deleted the image {plan.repository}@{short_digest(outcome.digest)} with "
        f"{removed} ({outcome.path.value}{note}).\n"
    )
