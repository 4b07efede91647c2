"""The lifecycle pane: edit an ECR lifecycle policy and see what it would do.

On the left, the policy in a JSON editor, and under it every problem ECR would
refuse it for. On the right, every image of the repository with the policy's
verdict (expire or keep), the rule that decides, and why. The repository is
read once, in a worker; the policy is parsed and evaluated on the UI side
whenever typing pauses, because evaluation is pure and takes milliseconds
even for thousands of images. While the policy has problems the table keeps
the last valid policy's verdicts, dimmed, and applying is refused.

A plain v2 registry records no push time, so the image config's ``created``
stands in for it; the table's time column is then headed "created".

The policy typed (or loaded with ``o``) is kept per repository on the
:class:`~.sources.Source` for as long as the app runs, so closing the pane
and opening it again finds it as it was. The last preview of a policy typed
or loaded (not of the untouched example) is kept beside it, for the browser's
tags table to show the verdicts; a policy with problems drops it. Escape goes
back and forth between the editor and the images table; two escapes in a row
close the pane.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static
from textual.worker import Worker, WorkerState

from ...lifecycle.sources import Snapshot
from ...policy import Policy, PolicyError, evaluate, parse_policy
from ...registry.errors import RegistryError
from ...registry.reference import short_digest
from ..widgets.decisions import DecisionTable, summary_line, when
from ..widgets.pane import Pane
from ..widgets.policy_editor import EXAMPLE_POLICY, PolicyEditor
from ..widgets.policy_problems import ProblemPanel
from ..writes import hidden_when_read_only
from .changes import RepositoryChanged, announce_change
from .expiring import (
    ExpiryProgressed,
    PolicyApplied,
    SnapshotFailed,
    SnapshotLoaded,
    confirm_and_apply,
    failure_lines,
    read_snapshot,
    report_text,
)
from .moment import moment_prompt, parse_moment
from .prompt import PromptScreen
from .sources import Source, Sources

__all__ = ["LifecycleScreen"]


class LifecycleScreen(Screen[None]):
    """A policy editor beside the verdicts it gives one repository's images."""

    AUTO_FOCUS = "#policy-editor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to editor, twice: close", id="lifecycle.close"),
        Binding("e", "edit", "Edit policy", id="lifecycle.edit"),
        Binding("o", "load", "Load policy", id="lifecycle.load"),
        Binding("t", "set_time", "Evaluate at", id="lifecycle.at"),
        Binding("r", "reload", "Reload images", id="lifecycle.reload"),
        Binding("A", "apply", "Apply policy", id="lifecycle.apply"),
    ]

    def __init__(self, sources: Sources, source: Source, repository: str) -> None:
        super().__init__()
        self.sources = sources
        self.source = source
        self.repository = repository
        self.snapshot: Snapshot | None = None
        self.policy: Policy | None = None
        # None evaluates at the moment of each evaluation.
        self.at: datetime | None = None
        # Whether the last key was an escape that moved the focus: then
        # another escape closes the pane.
        self._escaped = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lifecycle"):
            text = self.source.policies.get(self.repository, EXAMPLE_POLICY)
            editor = Pane(
                "policy", PolicyEditor(text, id="policy-editor"), id="policy-pane"
            )
            editor.border_subtitle = "escape: to the images · twice: close"
            yield editor
            with Vertical(id="lifecycle-right"):
                images = Pane(
                    f"images of {self.repository}",
                    DecisionTable(id="decisions"),
                    id="decisions-pane",
                )
                images.border_subtitle = "escape: to the editor · twice: close"
                yield images
                yield Static("", id="decision-detail", markup=False)
                yield Static("", id="lifecycle-summary", markup=False)
                yield ProgressBar(id="expiry-progress", show_eta=False)
                yield Static("", id="lifecycle-report", markup=False)
                yield Static("", id="lifecycle-notes", markup=False)
        # Below both, full width: problems read best with room for three columns.
        problems = VerticalScroll(ProblemPanel(id="policy-problems"), id="problems")
        yield Pane("problems", problems, id="problems-pane")
        yield Footer()

    @property
    def editor(self) -> PolicyEditor:
        """The policy text area."""
        return self.query_one("#policy-editor", PolicyEditor)

    @property
    def decisions(self) -> DecisionTable:
        """The table of verdicts."""
        return self.query_one("#decisions", DecisionTable)

    def on_mount(self) -> None:
        self.sub_title = f"{self.source.label} / {self.repository}"
        self.query_one("#expiry-progress").display = False
        self.evaluate_text(self.editor.text)
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (
            self.sources.read_only and hidden_when_read_only(self.BINDINGS, action)
        )

    # Reading the repository --------------------------------------------------------

    def action_reload(self) -> None:
        self.query_one("#decisions-pane", Pane).start_loading(
            f"reading the images of {self.repository}…"
        )
        self.load_snapshot()

    @work(group="snapshot", exclusive=True, exit_on_error=False)
    async def load_snapshot(self) -> None:
        """Read the repository for the policy engine (worker)."""
        self.post_message(
            await read_snapshot(self.sources, self.source, self.repository)
        )

    def on_repository_changed(self, message: RepositoryChanged) -> None:
        if message.concerns(self.source, self.repository):
            self.action_reload()

    def on_snapshot_loaded(self, message: SnapshotLoaded) -> None:
        self.snapshot = message.snapshot
        self.query_one("#decisions-pane", Pane).finish_loading()
        self.show_preview()

    def on_snapshot_failed(self, message: SnapshotFailed) -> None:
        pane = self.query_one("#decisions-pane", Pane)
        pane.finish_loading(f"error: {message.error}", error=True)
        self.notify(
            message.error, title="Registry error", severity="error", markup=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Registry errors are reported by the workers; anything else is a bug,
        # shown rather than allowed to end the app.
        if event.state == WorkerState.ERROR:
            self.query_one("#decisions-pane", Pane).finish_loading()
            self.query_one("#expiry-progress").display = False
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}",
                title="Unexpected error",
                severity="error",
                markup=False,
            )

    # Evaluating ----------------------------------------------------------------------

    def on_policy_editor_settled(self, message: PolicyEditor.Settled) -> None:
        self.source.policies[self.repository] = message.text
        self.evaluate_text(message.text)

    def evaluate_text(self, text: str) -> None:
        """Parse ``text``; show its problems, or what it does to the images."""
        problems = self.query_one("#policy-problems", ProblemPanel)
        # Until this text is evaluated, the browser shows no verdicts.
        self.source.previews.pop(self.repository, None)
        try:
            self.policy = parse_policy(text)
        except PolicyError as error:
            self.policy = None
            problems.show_error(error)
            self.decisions.add_class("-stale")
            count = len(error.problems)
            self._summary(
                f"the policy has {count} problem{'s' if count != 1 else ''}; the "
                "table shows what the last valid policy did"
            )
            return
        problems.show_warnings(self.policy.warnings)
        self.show_preview()

    def show_preview(self) -> None:
        """Evaluate the current policy over the snapshot and fill the table."""
        if self.snapshot is None:
            self._summary("reading the images…")
            return
        notes = [f"note: {note}" for note in self.snapshot.notes]
        if self.policy is None:
            self.query_one("#lifecycle-notes", Static).update("\n".join(notes))
            return
        snapshot = self.snapshot
        preview = evaluate(
            self.policy, snapshot.images, self.moment(), blob_sizes=snapshot.blob_sizes
        )
        self.decisions.show_preview(preview)
        if self.repository in self.source.policies:
            self.source.previews[self.repository] = preview
        self.decisions.remove_class("-stale")
        self._summary(summary_line(preview))
        notes += [f"warning: {warning}" for warning in preview.warnings]
        self.query_one("#lifecycle-notes", Static).update("\n".join(notes))

    @on(DataTable.RowHighlighted, "#decisions")
    def decision_highlighted(self) -> None:
        # The "why" column is cut off on most terminals; the full sentence is here.
        decision = self.decisions.current
        text = ""
        if decision is not None:
            image = decision.image
            tags = ", ".join(image.tags) or "untagged"
            text = f"{tags} ({short_digest(image.digest)}): {decision.text}"
        self.query_one("#decision-detail", Static).update(text)

    def moment(self) -> datetime:
        """The instant the policy is evaluated at."""
        return self.at or datetime.now(UTC)

    def _summary(self, text: str) -> None:
        self.query_one("#lifecycle-summary", Static).update(text)

    # Editing -------------------------------------------------------------------------

    def action_edit(self) -> None:
        self.editor.focus()

    def on_key(self, event: events.Key) -> None:
        # Keys that reach the screen (the table's, the problems') end a run
        # of escapes; typing in the editor does so through the handlers below.
        if event.key != "escape":
            self._escaped = False

    def on_text_area_changed(self) -> None:
        self._escaped = False

    def on_text_area_selection_changed(self) -> None:
        self._escaped = False

    def on_policy_editor_escaped(self) -> None:
        self._escape_to(self.decisions)

    def action_back(self) -> None:
        self._escape_to(self.editor)

    def _escape_to(self, widget: PolicyEditor | DecisionTable) -> None:
        if self._escaped:
            self.action_close()
            return
        widget.focus()
        self._escaped = True

    def action_close(self) -> None:
        # Closing the pane cancels its workers; a delete cut off mid-request
        # would leave its journal entry "in flight", so an apply is waited for.
        applying = (w for w in self.workers if w.node is self and w.group == "apply")
        if any(not w.is_finished for w in applying):
            self.notify("Wait until the policy is applied", severity="warning")
            return
        # The editor may hold text typed since it last settled; the browser's
        # verdicts must be those of the text kept.
        text = self.editor.text
        if text != self.source.policies.get(self.repository, EXAMPLE_POLICY):
            self.source.policies[self.repository] = text
            self.evaluate_text(text)
        self.dismiss()

    def action_load(self) -> None:
        prompt = PromptScreen(
            "Load a lifecycle policy",
            "The path of a JSON file, as ECR's console exports it. Escape cancels.",
            placeholder="policy.json",
        )
        self.app.push_screen(prompt, self._load_file)

    def _load_file(self, path: str | None) -> None:
        if not path:
            return
        file = Path(path).expanduser()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self.notify(f"cannot read {file}: {reason}", severity="error", markup=False)
            return
        self.editor.load_text(text)
        self.notify(f"Loaded {file}", markup=False)

    def action_set_time(self) -> None:
        self.app.push_screen(moment_prompt(self.at), self._set_time)

    def _set_time(self, text: str | None) -> None:
        # The dialog accepts only a time it can read, or nothing for now.
        if text is None:
            return
        self.at = parse_moment(text) if text else None
        self.show_preview()

    # Applying ------------------------------------------------------------------------

    def action_apply(self) -> None:
        if self.sources.read_only:
            return
        if self.policy is None:
            self.notify("Fix the policy's problems first", severity="warning")
            return
        self.apply_policy(self.policy)

    @work(group="apply", exclusive=True, exit_on_error=False)
    async def apply_policy(self, policy: Policy) -> None:
        """Re-read, confirm and expire, then read the repository again (worker)."""
        try:
            inspector = self.sources.open(self.source)
            report = await confirm_and_apply(
                self.app,
                inspector,
                self.sources.journal,
                self.repository,
                policy,
                self.moment,
                self.post_message,
            )
        except RegistryError as error:
            self.notify(
                str(error), title="Apply failed", severity="error", markup=False
            )
            return
        if report is not None:
            self.post_message(PolicyApplied(report))
            name = inspector.registry.name
            announce_change(self.app, name, self.repository, besides=self)

    def on_expiry_progressed(self, message: ExpiryProgressed) -> None:
        bar = self.query_one("#expiry-progress", ProgressBar)
        bar.display = True
        bar.update(total=message.total, progress=message.done)
        doing = f"deleting {message.name}…" if message.name else "done"
        self.query_one("#lifecycle-report", Static).update(doing)

    def on_policy_applied(self, message: PolicyApplied) -> None:
        report = message.report
        self.query_one("#expiry-progress").display = False
        text = f"Applied at {when(datetime.now(UTC))}: {report_text(report)}"
        lines = [text, *failure_lines(report)]
        self.query_one("#lifecycle-report", Static).update("\n".join(lines))
        self.notify(
            report_text(report),
            title="Policy applied",
            severity="error" if report.failed else "information",
        )
        self.action_reload()
