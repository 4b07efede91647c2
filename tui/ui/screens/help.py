"""The help screen, generated from the same ``BINDINGS`` tables the footer uses.

Every key of the UI is listed, grouped by where it works, with the binding id
(dimmed) that the configuration's ``[keys]`` table remaps. Keys that Textual
binds itself (the arrows, page up and down, the command palette) have no id
of tagyard's and are listed without one. Keys bound to one action by several
widgets (``↓`` by the list, ``j`` by tagyard) share a row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static

from ..keymap import shown_keys
from ..widgets.decisions import DecisionTable
from ..widgets.details import ImageDetails
from ..widgets.filterbar import FilterBar
from ..widgets.journal_table import JournalTable
from ..widgets.lists import NameList
from ..widgets.registries import RegistryList
from ..widgets.repositories import RepositoryList
from ..widgets.tags import TagTable
from ..writes import without_writes
from .browser import BrowserScreen
from .bulk import BulkConfirmScreen
from .confirm import ConfirmScreen
from .copymenu import CopyMenu
from .expiring import ExpiryConfirmScreen
from .journal import JournalScreen
from .lifecycle import LifecycleScreen
from .prompt import PromptScreen
from .registryform import RegistryForm, RepositoryPrompt

__all__ = ["PALETTE", "HelpScreen", "help_sections"]

Section = tuple[str, Sequence[BindingType]]
_KEYS_WIDTH = 16
_ACTION_WIDTH = 46

PALETTE = Binding(
    "ctrl+p", "command_palette", "Command palette: every action here, by name"
)
"""Textual's own key for the command palette, listed so that help names it."""


def _textual(bindings: Sequence[BindingType], *keys: str) -> list[BindingType]:
    """Those of Textual's own ``bindings`` that are bound to ``keys``, in that order."""
    by_key = {b.key: b for b in bindings if isinstance(b, Binding)}
    return [by_key[key] for key in keys if key in by_key]


def help_sections(
    app_bindings: Sequence[BindingType], *, read_only: bool = False
) -> list[Section]:
    """Every binding of the UI, grouped by where it works.

    With ``read_only`` the bindings that write to a registry are left out.
    """
    moves = ("up", "down", "pageup", "pagedown", "home", "end")
    lists = [*_textual(OptionList.BINDINGS, *moves), *NameList.BINDINGS]
    table_moves = _textual(DataTable.BINDINGS, "up", "down", "pageup", "pagedown")
    scrolls = _textual(ScrollableContainer.BINDINGS, *moves)
    sections: list[Section] = [
        ("Everywhere", [*app_bindings, *_textual(App.BINDINGS, "ctrl+q"), PALETTE]),
        ("Browsing, in any of the four panes", BrowserScreen.BINDINGS),
        ("Registries pane", [*lists, *RegistryList.BINDINGS]),
        ("Repositories pane", [*lists, *RepositoryList.BINDINGS]),
        ("Tags table", [*table_moves, *TagTable.BINDINGS]),
        ("Details pane", [*scrolls, *ImageDetails.BINDINGS]),
        ("Filter bar (/)", FilterBar.BINDINGS),
        ("Copy menu (c)", [*_textual(OptionList.BINDINGS, *moves), *CopyMenu.BINDINGS]),
        (
            "Lifecycle policy (L)",
            [*LifecycleScreen.BINDINGS, *table_moves, *DecisionTable.BINDINGS],
        ),
        (
            "Delete journal (J)",
            [*JournalScreen.BINDINGS, *table_moves, *JournalTable.BINDINGS],
        ),
        ("In a confirmation", [*ConfirmScreen.BINDINGS, *BulkConfirmScreen.BINDINGS]),
        ("Before a policy is applied (A)", ExpiryConfirmScreen.BINDINGS),
        ("In the registry form (a, e)", RegistryForm.BINDINGS),
        ("In a question", [*PromptScreen.BINDINGS, *RepositoryPrompt.BINDINGS]),
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
        self.sections = [*sections, ("This help", self.BINDINGS)]
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "dim: the ids that the config's keys table remaps"
            yield Static(self._table(), id="help-table")

    def _table(self) -> Group:
        parts: list[RenderableType] = []
        for title, bindings in self.sections:
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
            # Fixed widths line the sections up under each other.
            table.add_column("key", style="bold", no_wrap=True, width=_KEYS_WIDTH)
            table.add_column("action", width=_ACTION_WIDTH)
            table.add_column("id", style="dim", no_wrap=True)
            for keys, description, ids in self._rows(bindings):
                table.add_row(" ".join(keys), description, "\n".join(ids))
            parts.extend([Text(title, style="bold underline"), table, Text("")])
        return Group(*parts)

    def _rows(
        self, bindings: Sequence[BindingType]
    ) -> list[tuple[list[str], str, list[str]]]:
        # One row per action: Textual's key and tagyard's for the same motion
        # share it, under tagyard's description. Then one row per description:
        # two dialogs' "Cancel" on escape is one thing to know.
        by_action: dict[str, tuple[list[str], list[str], list[str]]] = {}
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys, texts, ids = by_action.setdefault(binding.action, ([], [], []))
            keys.extend(shown_keys(self.app, binding, self.keymap))
            if binding.id:
                ids.append(binding.id)
                texts.insert(0, binding.description)
            else:
                texts.append(binding.description)
        rows: dict[str, tuple[list[str], str, list[str]]] = {}
        for keys, texts, ids in by_action.values():
            row = rows.setdefault(texts[0].casefold(), ([], texts[0], []))
            row[0].extend(key for key in keys if key not in row[0])
            row[2].extend(ids)
        return list(rows.values())

    def action_scroll_down(self) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_up()
