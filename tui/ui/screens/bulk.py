"""Acting on every marked tag at once: delete the tags or their images, copy them.

A bulk delete plans every item first, like a single delete does (see
:mod:`.deleting`), and asks once, listing what each plan takes. Marking two
tags of one image and deleting images deletes that image once. Plans the
core refuses are shown with their reason and skipped; a plan that fails while
it runs is reported and the rest go on. Each delete lands in the journal on
its own, so ``tagyard undo`` puts them back one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from ...registry.deletes import DeletePlan, Deleter, plan_delete
from ...registry.errors import RegistryError
from ...registry.images import Inspector
from ...registry.journal import Journal
from ...registry.models import TaggedImage
from ...registry.reference import short_digest
from ..words import plural
from .changes import announce_change
from .clipboard import copy_text, pull_command
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from .browser import BrowserScreen

__all__ = [
    "BulkConfirmScreen",
    "BulkOutcome",
    "ProgressScreen",
    "copy_marks",
    "delete_marks",
    "describe_plans",
    "plan_all",
    "run_plans",
]

# A plan names every tag that stays on its image; with thousands of tags on
# one image that line alone would fill the screen.
_LONGEST_LINE = 300
# Lines of a bulk copy repeated in the notification that confirms it.
_SHOWN_COPIES = 5


class BulkConfirmScreen(ConfirmScreen):
    """A confirmation whose list of plans scrolls; j/k and the page keys move it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="bulk.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="bulk.up"),
        Binding("pagedown", "scroll(10)", "Page down", show=False, id="bulk.pgdn"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, id="bulk.pgup"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.title_text, id="confirm-title", markup=False)
            with VerticalScroll(id="bulk-body", can_focus=False):
                yield Static(self.body, id="confirm-body", markup=False)
            with Horizontal(id="confirm-buttons"):
                if self.confirm_label is not None:
                    yield Button(self.confirm_label, variant="error", id="confirm-yes")
                yield Button("Cancel", variant="primary", id="confirm-no")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#bulk-body", VerticalScroll).scroll_relative(
            y=lines, animate=False
        )


class ProgressScreen(ModalScreen[None]):
    """A progress bar over the browser while a bulk delete runs; no keys of its own."""

    def __init__(self, title: str, total: int) -> None:
        super().__init__()
        self.title_text = title
        self.bar = ProgressBar(total=total, show_eta=False, id="bulk-progress")
        self.current = Static("", id="bulk-current", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="bulk-dialog"):
            yield Static(self.title_text, id="bulk-title", markup=False)
            yield self.bar
            yield self.current

    def working_on(self, what: str) -> None:
        """Say which item is being deleted now."""
        self.current.update(what)

    def advance(self) -> None:
        """One more item is done (deleted or failed)."""
        self.bar.advance(1)


@dataclass
class BulkOutcome:
    """What a bulk delete did: what went, and what failed with which error."""

    deleted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Plans:
    ready: list[DeletePlan] = field(default_factory=list)
    refused: list[DeletePlan] = field(default_factory=list)
    unplanned: list[tuple[str, str]] = field(default_factory=list)


def _label(plan: DeletePlan) -> str:
    if plan.tag:
        return f"{plan.repository}:{plan.tag}"
    return f"{plan.repository}@{short_digest(plan.digest)}"


async def plan_all(
    inspector: Inspector,
    repository: str,
    entries: list[TaggedImage],
    *,
    whole_image: bool,
) -> _Plans:
    """A plan per marked tag, or per distinct image, sorted by what the core says.

    An item that cannot be planned (a tag deleted meanwhile, a tag without a
    known image when deleting images) is kept with the reason instead.
    """
    plans = _Plans()
    seen: set[str] = set()
    for entry in entries:
        try:
            if not whole_image:
                plan = await plan_delete(inspector, repository, tag=entry.tag)
            elif entry.image is None:
                plans.unplanned.append((entry.tag, "no known image to delete"))
                continue
            elif entry.image.digest in seen:
                continue
            else:
                seen.add(entry.image.digest)
                plan = await plan_delete(
                    inspector, repository, digest=entry.image.digest
                )
        except RegistryError as error:
            plans.unplanned.append((entry.tag, str(error)))
            continue
        (plans.refused if plan.blocked else plans.ready).append(plan)
    return _without_each_other(plans)


def _without_each_other(plans: _Plans) -> _Plans:
    # Each plan was made alone, so it names the other marked tags of its
    # image among those that stay; in the batch they go too.
    going = {plan.tag for plan in plans.ready if plan.tag}
    plans.ready = [
        replace(
            plan, surviving_tags=tuple(t for t in plan.surviving_tags if t not in going)
        )
        for plan in plans.ready
    ]
    return plans


def _shorten(line: str) -> str:
    if len(line) <= _LONGEST_LINE:
        return line
    return line[: _LONGEST_LINE - 1] + "…"


def describe_plans(plans: _Plans, repository: str, *, whole_image: bool) -> str:
    """The confirmation text: a count, then every plan's own sentences."""
    noun = "image" if whole_image else "tag"
    count = len(plans.ready)
    lines = [f"{count:,} {noun}{'' if count == 1 else 's'} of {repository} go:"]
    for plan in plans.ready:
        lines.extend(["", *(_shorten(line) for line in plan.describe())])
    if plans.refused:
        lines.extend(["", f"Refused, and left alone ({len(plans.refused)}):"])
        for plan in plans.refused:
            lines.extend(["", *(_shorten(line) for line in plan.describe())])
    if plans.unplanned:
        lines.extend(["", f"Skipped ({len(plans.unplanned)}):"])
        lines.extend(f"{name}: {reason}" for name, reason in plans.unplanned)
    return "\n".join(lines)


async def run_plans(
    app: App[Any], inspector: Inspector, journal: Journal, plans: list[DeletePlan]
) -> BulkOutcome:
    """Carry the plans out one by one under a progress bar; failures do not stop it."""
    outcome = BulkOutcome()
    progress = ProgressScreen(f"Deleting {len(plans):,}…", len(plans))
    await app.push_screen(progress)
    deleter = Deleter(inspector, journal)
    try:
        for plan in plans:
            progress.working_on(_label(plan))
            try:
                await deleter.run(plan)
            except RegistryError as error:
                outcome.failed.append((_label(plan), str(error)))
            else:
                outcome.deleted.append(_label(plan))
            progress.advance()
    finally:
        for repository in {plan.repository for plan in plans}:
            inspector.forget(repository)
        progress.dismiss()
    return outcome


async def _delete(
    screen: BrowserScreen,
    inspector: Inspector,
    repository: str,
    entries: list[TaggedImage],
    whole_image: bool,
) -> None:
    app, journal = screen.app, screen.sources.journal
    screen.pane("tags").set_status(f"planning {plural(len(entries), 'delete')}…")
    try:
        plans = await plan_all(inspector, repository, entries, whole_image=whole_image)
    except RegistryError as error:
        screen.notify(str(error), title="Delete failed", severity="error", markup=False)
        return
    finally:
        screen.pane("tags").set_status("")
    noun = "images" if whole_image else "tags"
    title = f"Delete {len(plans.ready):,} {noun}"
    body = describe_plans(plans, repository, whole_image=whole_image)
    label = f"Delete {len(plans.ready):,}" if plans.ready else None
    if not await app.push_screen_wait(BulkConfirmScreen(title, body, label)):
        return
    if not plans.ready:
        return

    outcome = await run_plans(app, inspector, journal, plans.ready)
    if outcome.deleted:
        screen.notify(
            f"Deleted {len(outcome.deleted):,} {noun} of {repository}. "
            "tagyard undo puts each back.",
            markup=False,
        )
    if outcome.failed:
        lines = [f"{name}: {reason}" for name, reason in outcome.failed]
        screen.notify(
            "\n".join(lines),
            title=f"{plural(len(outcome.failed), 'delete')} failed",
            severity="error",
            markup=False,
        )
    announce_change(app, inspector.registry.name, repository, besides=None)


def delete_marks(screen: BrowserScreen, *, whole_image: bool) -> bool:
    """Delete the marked tags (or their images) after one confirmation.

    Returns False when nothing is marked, for the caller to act on the row
    under the cursor instead.
    """
    marked = screen.tags.view.marked()
    source, repository = screen.source, screen.repository
    if not marked or source is None or repository is None:
        return False
    if not screen.sources.read_only:
        inspector = screen.sources.open(source)
        screen.run_worker(
            _delete(screen, inspector, repository, marked, whole_image),
            group="delete",
            exclusive=True,
            exit_on_error=False,
        )
    return True


def copy_marks(screen: BrowserScreen, *, pinned: bool) -> bool:
    """Copy the pull command of every marked tag, one a line; False without marks.

    ``pinned`` copies them by digest; a tag whose image is unknown is left out.
    """
    marked = screen.tags.view.marked()
    source, repository = screen.source, screen.repository
    if not marked or source is None or repository is None:
        return False
    registry = source.registry
    if registry is None:
        return True
    tool = screen.sources.config.copy_tool
    lines = []
    for entry in marked:
        if not pinned:
            lines.append(pull_command(registry, repository, tag=entry.tag, tool=tool))
        elif entry.image is not None:
            digest = entry.image.digest
            lines.append(pull_command(registry, repository, digest=digest, tool=tool))
    screen.run_worker(
        _copy(screen, "\n".join(dict.fromkeys(lines))),
        group="clipboard",
        exclusive=True,
        exit_on_error=False,
    )
    return True


async def _copy(screen: BrowserScreen, text: str) -> None:
    where = await copy_text(screen.app, text)
    lines = text.splitlines()
    shown = lines[:_SHOWN_COPIES]
    if len(lines) > len(shown):
        shown.append(f"… and {len(lines) - len(shown):,} more")
    title = f"Copied {plural(len(lines), 'line')} to the {where}"
    screen.notify("\n".join(shown), title=title, markup=False)
