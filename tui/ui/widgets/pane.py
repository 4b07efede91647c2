"""A titled box around one focusable widget, with a status line under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static

__all__ = ["Pane"]


class Pane(Vertical):
    """One of the browser's panes.

    The status line says what the pane is waiting for, why it is empty, or
    what went wrong; while the pane loads, a loading indicator runs above it.
    The body itself is never set to ``loading``: Textual refuses focus to a
    loading widget, and the keyboard must be able to move into a pane that
    is still filling up.
    """

    def __init__(self, title: str, body: Widget, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = title
        self.body = body
        self.spinner = LoadingIndicator(classes="spinner")
        self.status = Static("", classes="status", markup=False)

    def compose(self) -> ComposeResult:
        yield self.body
        yield self.spinner
        yield self.status

    def set_status(self, text: str, *, error: bool = False) -> None:
        """Show ``text`` under the body (red when it reports an error)."""
        self.status.update(text)
        self.status.set_class(error, "error")
        self.status.display = bool(text)

    def start_loading(self, text: str) -> None:
        """Run the loading indicator and say what is loading."""
        self.spinner.display = True
        self.set_status(text)

    def finish_loading(self, text: str = "", *, error: bool = False) -> None:
        """Stop the loading indicator and show a final status (empty hides it)."""
        self.spinner.display = False
        self.set_status(text, error=error)
