"""The delete journal: every delete tagyard made, newest first, and undo.

The journal is the file ``tagyard rm``, the browser and the lifecycle pane all
write before each delete (:mod:`tui.registry.journal`), so this screen lists
deletes from the command line too. Undo pushes the saved manifest back under
its tags, after a confirmation, in a worker; the browser reloads the
repository if it is showing it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header

from ...registry.errors import RegistryError
from ...registry.journal import JournalEntry
from ...registry.reference import short_digest
from ...registry.undo import BlobsMissing
from ..health import failure_text
from ..widgets.journal_table import JournalTable
from ..widgets.pane import Pane
from ..writes import hidden_when_read_only
from .changes import announce_change
from .confirm import ConfirmScreen
from .sources import Sources
from .undoing import describe_entry, undo_in

__all__ = ["JournalScreen"]

# Undo is offered only for deletes that happened and were not undone yet.
_NOT_UNDOABLE = {
    "undone": "This delete was undone already.",
    "failed": "This delete failed, so the registry still holds everything it was "
    "asked to delete.",
}


class JournalScreen(Screen[None]):
    """The journaled deletes, with a key to undo the selected one."""

    AUTO_FOCUS = "#journal"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="journal.close"),
        Binding("r", "reload", "Reload", id="journal.reload"),
        Binding("u", "undo", "Undo delete", id="journal.undo"),
    ]

    def __init__(self, sources: Sources) -> None:
        super().__init__()
        self.sources = sources

    def compose(self) -> ComposeResult:
        yield Header()
        pane = Pane("delete journal", JournalTable(id="journal"), id="journal-pane")
        pane.border_subtitle = str(self.sources.journal.path)
        yield pane
        yield Footer()

    @property
    def table(self) -> JournalTable:
        """The journal's rows."""
        return self.query_one("#journal", JournalTable)

    def on_mount(self) -> None:
        self.sub_title = "delete journal"
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (
            self.sources.read_only and hidden_when_read_only(self.BINDINGS, action)
        )

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        # The journal is a small local file, read in one go.
        pane = self.query_one("#journal-pane", Pane)
        try:
            entries = self.sources.journal.entries()
        except RegistryError as error:
            pane.finish_loading(f"error: {error}", error=True)
            return
        self.table.show_entries(entries)
        pane.finish_loading("" if entries else "nothing deleted yet")

    def action_undo(self) -> None:
        entry = self.table.current
        if self.sources.read_only or entry is None:
            return
        refusal = _NOT_UNDOABLE.get(entry.state)
        if refusal is not None:
            self.notify(refusal, title="Nothing to undo", markup=False)
            return
        self.undo(entry)

    @work(group="undo", exclusive=True, exit_on_error=False)
    async def undo(self, entry: JournalEntry) -> None:
        """Confirm, then push the entry's manifests back (worker)."""
        confirm = ConfirmScreen("Undo a delete", describe_entry(entry), "Undo")
        if not await self.app.push_screen_wait(confirm):
            return
        try:
            result = await undo_in(self.sources, entry)
        except BlobsMissing as error:
            self.notify(str(error), title="Cannot undo", severity="error", markup=False)
            return
        except RegistryError as error:
            text = failure_text(error).removeprefix("error: ")
            self.notify(text, title="Undo failed", severity="error", markup=False)
            return
        finally:
            self.action_reload()
        tags = ", ".join(result.tags) or "its digest only"
        self.notify(
            f"Restored {entry.repository}@{short_digest(result.digest)} under {tags}",
            markup=False,
        )
        announce_change(self.app, entry.registry, entry.repository, besides=self)
