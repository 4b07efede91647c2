"""The two deletes, each behind a confirmation that says exactly what goes.

A delete is planned first (:func:`~tui.registry.deletes.plan_delete`), which
asks the registry afresh which tags point at the digest: someone may have
pushed or removed a tag since the table was loaded, and the confirmation must
name every tag affected now. The plan is carried out by the core's
:class:`~tui.registry.deletes.Deleter`, so the delete lands in the same journal
``tagyard rm`` writes and ``tagyard undo`` reads. A plan the core refuses (an
image that a tagged index still needs) is shown with the reason and nothing is
sent; the UI offers no way to force it.

These functions run inside a worker (``push_screen_wait`` needs one) and raise
:class:`~tui.registry.errors.RegistryError` for the caller to report.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from ...cli.output import short_digest
from ...registry.deletes import DeletePlan, Deleter, plan_delete
from ...registry.images import Inspector
from ...registry.journal import Journal
from ...registry.models import DeleteOutcome
from .confirm import ConfirmScreen

__all__ = ["delete_image", "delete_tag"]


async def delete_tag(
    app: App[Any], inspector: Inspector, journal: Journal, repository: str, tag: str
) -> str | None:
    """Remove only ``tag`` after confirming; returns what to tell the user.

    None means the user declined or the core refused the plan.
    """
    plan = await plan_delete(inspector, repository, tag=tag)
    lines = [*plan.describe(), "", f"Digest: {plan.digest}"]
    if not plan.surviving_tags:
        lines.append(
            "No other tag points at this image; it stays in the registry, "
            "reachable by digest only."
        )
    outcome = await _confirm_and_run(
        app, inspector, journal, plan, "Delete tag", "\n".join(lines), f"Delete {tag}"
    )
    return None if outcome is None else _report(f"tag {repository}:{tag}", outcome)


async def delete_image(
    app: App[Any], inspector: Inspector, journal: Journal, repository: str, digest: str
) -> str | None:
    """Delete the image ``digest`` and every tag on it after confirming.

    Returns what to tell the user; None when declined or refused.
    """
    plan = await plan_delete(inspector, repository, digest=digest)
    body = "\n".join(plan.describe())
    outcome = await _confirm_and_run(
        app, inspector, journal, plan, "Delete image", body, "Delete image"
    )
    if outcome is None:
        return None
    tags = ", ".join(outcome.removed_tags) or "none"
    return _report(f"{repository}@{short_digest(digest)} (tags: {tags})", outcome)


async def _confirm_and_run(
    app: App[Any],
    inspector: Inspector,
    journal: Journal,
    plan: DeletePlan,
    title: str,
    body: str,
    label: str,
) -> DeleteOutcome | None:
    if plan.blocked:
        await app.push_screen_wait(ConfirmScreen(f"{title}: refused", body, None))
        return None
    if not await app.push_screen_wait(ConfirmScreen(title, body, label)):
        return None
    try:
        return await Deleter(inspector, journal).run(plan)
    finally:
        inspector.forget(plan.repository)


def _report(what: str, outcome: DeleteOutcome) -> str:
    text = f"Deleted {what} ({outcome.path.value})"
    if outcome.note:
        text += f"; {outcome.note}"
    return text + ". tagyard undo --last puts it back."
