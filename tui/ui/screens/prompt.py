"""A one-line question in a modal (a file path, a time); escape cancels it.

A question may come with a check: an answer the check finds fault with keeps
the modal open, with the reason under the input, so that a typo costs one
key press to fix instead of starting over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["Check", "PromptScreen"]

Check = Callable[[str], str | None]
"""Looks at an answer; returns what is wrong with it, or None."""


class PromptScreen(ModalScreen[str | None]):
    """Asks for one line of text; answers None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self,
        title: str,
        hint: str,
        *,
        value: str = "",
        placeholder: str = "",
        check: Check | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.value = value
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            yield Static(self.title_text, id="prompt-title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error", markup=False)
            yield Static(self.hint, id="prompt-hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        answer = event.value.strip()
        problem = self.check(answer) if self.check else None
        error = self.query_one("#prompt-error", Static)
        error.update(problem or "")
        error.display = problem is not None
        if problem is None:
            self.dismiss(answer)

    def on_input_changed(self) -> None:
        # The reason shown was about the text before this edit.
        self.query_one("#prompt-error", Static).display = False

    def action_cancel(self) -> None:
        self.dismiss(None)
