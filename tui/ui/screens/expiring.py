"""The lifecycle pane's registry work, and the messages that report it.

Reading a repository for the policy engine and applying a policy both talk to
the registry, so both run in the pane's workers and report through messages.

Applying re-reads the repository first and evaluates the policy again, so the
confirmation lists what expires *now*, not what the pane showed minutes ago.
The deletes themselves go through :func:`~tui.lifecycle.apply.apply_preview`,
the same path as ``tagyard policy apply``: each image is planned afresh,
refused if a tagged index still needs it, and journaled before it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from ...lifecycle.apply import ApplyReport, apply_preview
from ...lifecycle.sources import Snapshot, from_repository
from ...policy import ActionType, Policy, Preview, evaluate
from ...registry.errors import RegistryError
from ...registry.images import Inspector
from ...registry.journal import Journal
from ...registry.reference import short_digest
from ..widgets.decisions import when
from ..words import plural
from .confirm import ConfirmScreen
from .sources import Source, Sources

__all__ = [
    "ExpiryConfirmScreen",
    "ExpiryProgressed",
    "PolicyApplied",
    "SnapshotFailed",
    "SnapshotLoaded",
    "confirm_and_apply",
    "confirmation_body",
    "failure_lines",
    "read_snapshot",
    "report_text",
]


class SnapshotLoaded(Message):
    """The images of the pane's repository, as the policy engine sees them."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class SnapshotFailed(Message):
    """Reading the repository failed."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ExpiryProgressed(Message):
    """``done`` of ``total`` images are handled; ``name`` is being deleted now."""

    def __init__(self, done: int, total: int, name: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.name = name


class PolicyApplied(Message):
    """Applying the policy finished; ``report`` says what happened to each image."""

    def __init__(self, report: ApplyReport) -> None:
        super().__init__()
        self.report = report


class ExpiryConfirmScreen(ConfirmScreen):
    """The confirmation before a policy is applied; its list of images scrolls.

    The keyboard stays on the buttons, as in every confirmation; the arrows
    and j/k scroll the list.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_list(1)", "Down", show=False, id="expiry.down"),
        Binding("up,k", "scroll_list(-1)", "Up", show=False, id="expiry.up"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.title_text, id="confirm-title", markup=False)
            with VerticalScroll(id="expiry-list", can_focus=False):
                yield Static(self.body, id="confirm-body", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(
                    self.confirm_label or "", variant="error", id="confirm-yes"
                )
                yield Button("Cancel", variant="primary", id="confirm-no")

    def action_scroll_list(self, step: int) -> None:
        listing = self.query_one("#expiry-list", VerticalScroll)
        listing.scroll_to(y=listing.scroll_y + step, animate=False)


async def read_snapshot(
    sources: Sources, source: Source, repository: str
) -> SnapshotLoaded | SnapshotFailed:
    """Read ``repository`` afresh for the policy engine."""
    try:
        inspector = sources.open(source)
        inspector.forget(repository)
        return SnapshotLoaded(await from_repository(inspector, repository))
    except RegistryError as error:
        return SnapshotFailed(str(error))


def confirmation_body(preview: Preview, repository: str) -> str:
    """Every image that expires (tags, short digest, rule), and what is skipped."""
    expiring = [d for d in preview.acted if d.action is ActionType.EXPIRE]
    lines = [
        f"At {when(preview.at)} the policy expires {plural(len(expiring), 'image')} of "
        f"{repository}; each is deleted by digest with every tag on it:",
        "",
    ]
    for decision in expiring:
        image = decision.image
        tags = ", ".join(image.tags) or "<untagged>"
        lines.append(f"  {short_digest(image.digest)}  {tags}  (rule {decision.rule})")
    if preview.transitioning_count:
        lines += [
            "",
            f"{plural(preview.transitioning_count, 'image')} would move to archive "
            "storage, which only ECR has; they are left alone.",
        ]
    lines += ["", "Every delete is journaled: J lists them and can undo one."]
    return "\n".join(lines)


async def confirm_and_apply(
    app: App[Any],
    inspector: Inspector,
    journal: Journal,
    repository: str,
    policy: Policy,
    at: Callable[[], datetime],
    post: Callable[[Message], object],
) -> ApplyReport | None:
    """Re-read, re-evaluate, confirm, then expire; None when nothing was done.

    Runs inside a worker (the confirmation waits for an answer) and raises
    :class:`~tui.registry.errors.RegistryError` when the repository cannot be
    read.
    """
    inspector.forget(repository)
    snapshot = await from_repository(inspector, repository)
    post(SnapshotLoaded(snapshot))
    preview = evaluate(policy, snapshot.images, at(), blob_sizes=snapshot.blob_sizes)
    if not preview.acted:
        app.notify(f"The policy expires nothing in {repository} now.")
        return None

    body = confirmation_body(preview, repository)
    title = f"Apply the lifecycle policy to {repository}"
    label = f"Expire {preview.expiring_count}"
    if not await app.push_screen_wait(ExpiryConfirmScreen(title, body, label)):
        return None

    def progress(done: int, total: int, name: str) -> None:
        post(ExpiryProgressed(done, total, name))

    try:
        return await apply_preview(preview, inspector, repository, journal, progress)
    finally:
        inspector.forget(repository)


def report_text(report: ApplyReport) -> str:
    """One line for the notification and the pane: deleted, failed, not applicable."""
    parts = [f"{plural(len(report.deleted), 'image')} expired"]
    if report.failed:
        parts.append(f"{len(report.failed)} failed")
    if report.not_applicable:
        parts.append(
            f"{len(report.not_applicable)} not applicable (archive storage is ECR's)"
        )
    return ", ".join(parts)


def failure_lines(report: ApplyReport) -> list[str]:
    """One line per image that could not be deleted, with the registry's reason."""
    return [f"{short_digest(digest)}: {error}" for digest, error in report.failed]
