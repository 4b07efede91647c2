"""The lifecycle preview as a table: every image, expired or kept, and why.

Images the policy acts on come first, in the order they would be deleted;
kept images follow. Platform images of an image index are left out, as in
``tagyard policy preview``: a policy never decides on them by themselves.

The "why" column gives the reason alone and takes whatever width the other
columns leave; the whole sentence is shown under the table for the
highlighted row. The
time column is headed by where its times come from ("pushed", or "created"
on a registry that records no push time); only a mix of both marks each time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ...cli.output import format_size
from ...policy import ActionType, Decision, Preview
from ..words import table_digest
from .columns import widths_filling

__all__ = ["DecisionTable", "shown_decisions", "summary_line"]

_COLUMNS = ("action", "rule", "tags", "digest", "", "why")
_VERDICT_STYLES = {"expire": "bold red", "archive": "bold yellow", "keep": "green"}


def shown_decisions(preview: Preview) -> list[Decision]:
    """The decisions a person sees: acted on first, then kept; no index children."""
    ordered = [*preview.acted, *preview.kept]
    return [d for d in ordered if not d.image.referenced_by_index]


def verdict(decision: Decision) -> str:
    """``expire``, ``archive`` or ``keep``."""
    if decision.action is ActionType.EXPIRE:
        return "expire"
    if decision.action is ActionType.TRANSITION:
        return "archive"
    return "keep"


def when(moment: datetime) -> str:
    """An instant as the lifecycle pane shows it: ``2026-12-03 18:00 UTC``."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def summary_line(preview: Preview) -> str:
    """``3 of 7 images expire, 12.4 MB freed, at 2026-12-03 18:00 UTC``."""
    shown = len(shown_decisions(preview))
    noun = "image" if shown == 1 else "images"
    text = (
        f"{preview.expiring_count} of {shown} {noun} expire, "
        f"{format_size(preview.bytes_freed)} freed, at {when(preview.at)}"
    )
    if preview.transitioning_count:
        text += f"; {preview.transitioning_count} would move to the archive"
    return text


def time_heading(decisions: list[Decision]) -> str:
    """``pushed`` or ``created``: where the times of the column come from."""
    sources = {d.image.time_source for d in decisions if d.image.pushed_at}
    if sources == {"created"}:
        return "created"
    return "pushed" if sources <= {"push"} else "pushed or (created)"


def _pushed(decision: Decision, mixed: bool) -> str:
    image = decision.image
    if image.pushed_at is None:
        return "-"
    source = f" ({image.time_source})" if mixed and image.time_source != "push" else ""
    return f"{image.pushed_at.astimezone(UTC):%Y-%m-%d %H:%M}{source}"


def _why(decision: Decision) -> str:
    """The reason alone: the action, the rule and the time source have columns."""
    if decision.follows:
        return f"with the image it refers to, {decision.follows}"
    if decision.reason is not None:
        return str(decision.reason)
    if decision.action is ActionType.TRANSITION:
        return f"rule {decision.rule} moves it to {decision.target_storage_class}"
    return f"rule {decision.rule} selects it"


def _rule(decision: Decision) -> str:
    rule = decision.rule
    if rule is None and decision.reason is not None:
        rule = decision.reason.rule
    return "" if rule is None else str(rule)


class DecisionTable(DataTable[Text]):
    """One row per image of the preview; the row keys are the digests."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="decisions.down"),
        Binding("k", "cursor_up", "Up", show=False, id="decisions.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.decisions: list[Decision] = []
        self._width = 0

    def show_preview(self, preview: Preview | None) -> None:
        """Replace the rows with the decisions of ``preview`` (None empties it)."""
        self.decisions = shown_decisions(preview) if preview is not None else []
        self._fill()

    def _fill(self) -> None:
        row = self.cursor_row
        heading = time_heading(self.decisions)
        mixed = "or" in heading
        labels = [label or heading for label in _COLUMNS]
        rows = [self._cells(decision, mixed) for decision in self.decisions]
        self._width = self.scrollable_content_region.width
        widths = widths_filling(labels, rows, self._width, self.cell_padding)
        self.clear(columns=True)
        for label, key, width in zip(labels, _COLUMNS, widths, strict=True):
            self.add_column(label, key=key or "pushed", width=width)
        for decision, cells in zip(self.decisions, rows, strict=True):
            self.add_row(*cells, key=decision.image.digest)
        if self.decisions:
            self.move_cursor(row=min(row, len(self.decisions) - 1))

    def on_resize(self, event: events.Resize) -> None:
        # The "why" column follows the table's width.
        if self.scrollable_content_region.width != self._width:
            self._fill()

    def _cells(self, decision: Decision, mixed: bool) -> list[Text]:
        image = decision.image
        word = verdict(decision)
        return [
            Text(word, style=_VERDICT_STYLES[word]),
            Text(_rule(decision), justify="right"),
            Text(", ".join(image.tags) or "<untagged>", style="bold"),
            Text(table_digest(image.digest)),
            Text(_pushed(decision, mixed)),
            Text(_why(decision), no_wrap=True, overflow="ellipsis"),
        ]

    @property
    def current(self) -> Decision | None:
        """The decision under the cursor, if the table has rows."""
        if not self.decisions or not 0 <= self.cursor_row < len(self.decisions):
            return None
        return self.decisions[self.cursor_row]

    @property
    def expiring(self) -> list[Decision]:
        """The rows the policy expires."""
        return [d for d in self.decisions if d.action is ActionType.EXPIRE]
