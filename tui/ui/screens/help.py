"""The help screen, generated from the same ``BINDINGS`` tables the footer uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from ..widgets.details import ImageDetails
from ..widgets.lists import NameList
from ..widgets.tags import TagTable
from .browser import BrowserScreen
from .confirm import ConfirmScreen

__all__ = ["HelpScreen", "help_sections"]

Section = tuple[str, Sequence[BindingType]]


def help_sections(app_bindings: Sequence[BindingType]) -> list[Section]:
    """Every binding of the UI, grouped by where it works."""
    moving = [
        *OptionList.BINDINGS,
        *NameList.BINDINGS,
        *TagTable.BINDINGS,
        *ImageDetails.BINDINGS,
    ]
    return [
        ("Everywhere", app_bindings),
        ("Browsing", BrowserScreen.BINDINGS),
        ("In a list, the tags table or the details", moving),
        ("In a confirmation", ConfirmScreen.BINDINGS),
    ]


class HelpScreen(ModalScreen[None]):
    """A table of keys and what they do; any of its own keys closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k", "scroll_up", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "escape closes"
            yield Static(self._table(), id="help-table")

    def _table(self) -> Group:
        parts: list[RenderableType] = []
        for title, bindings in self.sections:
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
            table.add_column("key", style="bold", no_wrap=True, min_width=12)
            table.add_column("action")
            for description, keys in self._keys_by_description(bindings).items():
                table.add_row(" ".join(keys), description)
            parts.extend([Text(title, style="bold underline"), table, Text("")])
        return Group(*parts)

    def _keys_by_description(
        self, bindings: Sequence[BindingType]
    ) -> dict[str, list[str]]:
        # Several widgets bind the same motion (arrows, then j/k); one row each.
        rows: dict[str, list[str]] = {}
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys = rows.setdefault(binding.description, [])
            for key in binding.key.split(","):
                shown = self.app.get_key_display(binding.with_key(key.strip()))
                if shown not in keys:
                    keys.append(shown)
        return rows

    def action_scroll_down(self) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_up()
