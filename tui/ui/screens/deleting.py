"""The two deletes, each behind a confirmation that says exactly what goes.

A delete is planned first (:func:`~tui.registry.deletes.plan_delete`), which
asks the registry afresh which tags point at the digest: someone may have
pushed or removed a tag since the table was loaded, and the confirmation must
name every tag affected now. The plan is carried out by the core's
:class:`~tui.registry.deletes.Deleter`, so the delete lands in the same journal
``tagyard rm`` writes and ``tagyard undo`` reads. A plan the core refuses (an
image that a tagged index still needs) is shown with the reason and nothing is
sent; the UI offers no way to force it.

:func:`delete_selected` starts the worker for the browser's selected row; the
two deletes run inside it (``push_screen_wait`` needs a worker) and raise
:class:`~tui.registry.errors.RegistryError`, which it reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from ...registry.deletes import DeletePlan, Deleter, plan_delete
from ...registry.errors import RegistryError
from ...registry.images import Inspector
from ...registry.journal import Journal
from ...registry.models import DeleteOutcome, TaggedImage
from ...registry.reference import short_digest
from .confirm import ConfirmScreen
from .sources import Source

if TYPE_CHECKING:
    from .browser import BrowserScreen

__all__ = ["delete_image", "delete_selected", "delete_tag"]


def delete_selected(
    screen: BrowserScreen,
    source: Source,
    repository: str,
    entry: TaggedImage,
    *,
    whole_image: bool,
) -> None:
    """Delete the row's image (``whole_image``) or only its tag, in a worker."""
    if whole_image and entry.image is None:
        screen.notify(f"{entry.tag} has no known digest", severity="warning")
        return
    digest = entry.image.digest if whole_image and entry.image else None
    screen.run_worker(
        _delete(screen, source, repository, entry.tag, digest),
        group="delete",
        exclusive=True,
        exit_on_error=False,
    )


async def _delete(
    screen: BrowserScreen, source: Source, repository: str, tag: str, digest: str | None
) -> None:
    inspector = screen.sources.open(source)
    journal = screen.sources.journal
    try:
        if digest is not None:
            report = await delete_image(
                screen.app, inspector, journal, repository, digest
            )
        else:
            report = await delete_tag(screen.app, inspector, journal, repository, tag)
    except RegistryError as error:
        screen.notify(str(error), title="Delete failed", severity="error", markup=False)
        return
    if report is None:
        return
    screen.notify(report, markup=False)
    if screen.shows(source, repository):
        screen.open_repository(repository)


async def delete_tag(
    app: App[Any], inspector: Inspector, journal: Journal, repository: str, tag: str
) -> str | None:
    """Remove only ``tag`` after confirming; returns what to tell the user.

    None means the user declined or the core refused the plan.
    """
    plan = await plan_delete(inspector, repository, tag=tag)
    lines = [*plan.describe(), "", f"Digest: {plan.digest}"]
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
