"""The delete journal as a table, newest delete first.

The columns get their widths from the rows when the table is filled, not
later when the table measures itself: the journal is filled again after an
undo, while a notification is drawn over it, and a table left to measure
itself then was drawn with every column as narrow as its header.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ...registry.journal import JournalEntry
from ...registry.reference import short_digest
from .columns import widths_filling

__all__ = ["JournalTable"]

_COLUMNS = ("time", "repository", "deleted", "tags", "digest", "state")
_STATE_STYLES = {
    "done": "green",
    "failed": "red",
    "in flight": "bold yellow",
    "undone": "dim",
}


class JournalTable(DataTable[Text]):
    """One row per journaled delete; the row keys are the entry ids."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="journal_table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="journal_table.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[JournalEntry] = []

    def show_entries(self, entries: list[JournalEntry]) -> None:
        """Show ``entries`` (oldest first, as the journal gives them) newest first.

        The cursor stays on the entry it was on, when that entry is still shown.
        """
        current = self.current
        self.entries = list(reversed(entries))
        rows = [self._cells(entry) for entry in self.entries]
        widths = widths_filling(_COLUMNS, rows, 0, self.cell_padding)
        self.clear(columns=True)
        for label, width in zip(_COLUMNS, widths, strict=True):
            self.add_column(label, key=label, width=width)
        for entry, cells in zip(self.entries, rows, strict=True):
            self.add_row(*cells, key=entry.id)
        if current is not None:
            ids = [entry.id for entry in self.entries]
            if current.id in ids:
                self.move_cursor(row=ids.index(current.id))

    def _cells(self, entry: JournalEntry) -> list[Text]:
        state = entry.state
        return [
            Text(entry.time[:19].replace("T", " ")),
            Text(f"{entry.registry}/{entry.repository}"),
            Text(entry.action),
            Text(", ".join(entry.tags) or "-", style="bold"),
            Text(short_digest(entry.digest)),
            Text(state, style=_STATE_STYLES.get(state, "")),
        ]

    @property
    def current(self) -> JournalEntry | None:
        """The entry under the cursor, if the table has rows."""
        if not self.entries or not 0 <= self.cursor_row < len(self.entries):
            return None
        return self.entries[self.cursor_row]
