"""The registries and repositories lists."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

__all__ = ["NameList"]


class NameList(OptionList):
    """A list of names (registries or repositories) moved through with arrows or j/k.

    Option ids are the names themselves, so a name can be looked up and
    highlighted without knowing its position.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
    ]

    def show_names(self, names: list[str]) -> None:
        """Replace the options with ``names`` and highlight the first."""
        self.set_options(Option(name, id=name) for name in names)
        self.highlighted = 0 if names else None

    @property
    def current(self) -> str | None:
        """The highlighted name, if any."""
        option = self.highlighted_option
        return option.id if option is not None else None

    def highlight_name(self, name: str) -> bool:
        """Move the highlight to ``name``; False when it is not in the list."""
        for index, option in enumerate(self.options):
            if option.id == name:
                self.highlighted = index
                return True
        return False
