"""The help screen, generated from the same ``BINDINGS`` tables the footer uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from ..keymap import shown_keys
from ..widgets.details import ImageDetails
from ..widgets.filterbar import FilterBar
from ..widgets.lists import NameList
from ..widgets.repositories import RepositoryList
from ..widgets.tags import TagTable
from ..writes import without_writes
from .browser import BrowserScreen
from .confirm import ConfirmScreen
from .journal import JournalScreen
from .lifecycle import LifecycleScreen

__all__ = ["HelpScreen", "help_sections"]

Section = tuple[str, Sequence[BindingType]]


def help_sections(
    app_bindings: Sequence[BindingType], *, read_only: bool = False
) -> list[Section]:
    """Every binding of the UI, grouped by where it works.

    With ``read_only`` the bindings that write to a registry are left out.
    """
    moving = [
        *OptionList.BINDINGS,
        *NameList.BINDINGS,
        *RepositoryList.BINDINGS,
        *TagTable.BINDINGS,
        *FilterBar.BINDINGS,
        *ImageDetails.BINDINGS,
    ]
    sections: list[Section] = [
        ("Everywhere", app_bindings),
        ("Browsing", BrowserScreen.BINDINGS),
        ("In a list, the tags table or the details", moving),
        ("Lifecycle policy", LifecycleScreen.BINDINGS),
        ("Delete journal", JournalScreen.BINDINGS),
        ("In a confirmation", ConfirmScreen.BINDINGS),
    ]
    if read_only:
        return [(title, without_writes(bindings)) for title, bindings in sections]
    return sections


class HelpScreen(ModalScreen[None]):
    """A table of keys and what they do; any of its own keys closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k", "scroll_up", "Up", show=False, id="help.up"),
    ]

    def __init__(
        self, sections: list[Section], keymap: Mapping[str, str] | None = None
    ) -> None:
        """``keymap`` is the configuration's ``[keys]``: ids to the keys they use."""
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}

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
            for shown in shown_keys(self.app, binding, self.keymap):
                if shown not in keys:
                    keys.append(shown)
        return rows

    def action_scroll_down(self) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_up()
