"""The repositories list, grouped by namespace, with each one's tag count once known.

Header rows (``▾ team  3``) open and close with enter or space, ``left``/``h``
closes the namespace under the highlight and ``right``/``l`` opens it. A
repository's tag count appears after its tags were listed once: counting
every repository up front would send one tags request per repository, which
on a large registry is thousands of requests before the first screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..grouping import GroupRow, NameRow, grouped_rows, header_id, namespace_of
from ..listing import Filter, count_label
from .filterbar import ListingChanged
from .lists import NameList

__all__ = ["RepositoryList"]


class RepositoryList(NameList):
    """Repository names under collapsible namespace headers.

    The highlight events of header rows stay inside this widget, so whoever
    listens for a highlighted or selected repository only ever hears about
    repositories.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_group", "Open/close namespace", id="repos.toggle"),
        Binding(
            "left,h", "collapse", "Close namespace", show=False, id="repos.collapse"
        ),
        Binding("right,l", "expand", "Open namespace", show=False, id="repos.expand"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.names: list[str] = []
        self.collapsed: set[str] = set()
        self.counts: dict[str, int] = {}
        self.scope: str | None = None
        self._filter = Filter()

    @property
    def active_filter(self) -> Filter:
        """The filter applied to the names."""
        return self._filter

    def apply_filter(self, query: Filter) -> None:
        """List only the names ``query`` lets through."""
        self._filter = query
        self._render_rows(keep=self.highlighted_id)
        self.post_message(ListingChanged(self))

    def use_scope(self, scope: str) -> None:
        """List the repositories of ``scope`` (a registry); counts are per scope."""
        if scope != self.scope:
            self.scope = scope
            self.counts.clear()

    def show_names(self, names: list[str]) -> None:
        """Replace the names and highlight the first repository."""
        self.names = names
        self._render_rows(keep=None)

    def set_count(self, name: str, count: int) -> None:
        """Show that ``name`` has ``count`` tags."""
        self.counts[name] = count
        if any(option.id == name for option in self.options):
            self.replace_option_prompt(name, self._prompt(NameRow(name, name)))

    @property
    def summary(self) -> str:
        """For the pane border: how many repositories, and how many are shown."""
        if not self._filter.active:
            return f"{len(self.names):,}"
        return count_label(len(self._filter.keep(self.names)), len(self.names))

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted row, header or repository."""
        option = self.highlighted_option
        return option.id if option is not None else None

    @property
    def current(self) -> str | None:
        """The highlighted repository (None on a namespace header)."""
        option = self.highlighted_option
        return option.id if option is not None and _is_name(option.id) else None

    def highlight_name(self, name: str) -> bool:
        """Move the highlight to ``name``, opening its namespace if needed."""
        namespace = namespace_of(name)
        if namespace in self.collapsed:
            self.collapsed.discard(namespace)
            self._render_rows(keep=self.highlighted_id)
        return super().highlight_name(name)

    def _render_rows(self, keep: str | None) -> None:
        rows = grouped_rows(self.names, collapsed=self.collapsed, query=self._filter)
        self.set_options(Option(self._prompt(row), id=row.id) for row in rows)
        ids = [row.id for row in rows]
        if keep in ids:
            self.highlighted = ids.index(keep)
            return
        first = next((i for i, row in enumerate(rows) if isinstance(row, NameRow)), 0)
        self.highlighted = first if rows else None

    def _prompt(self, row: GroupRow | NameRow) -> Text:
        if isinstance(row, GroupRow):
            arrow = "▸" if row.collapsed else "▾"
            text = Text(f"{arrow} {row.namespace}", style="bold")
            text.append(f"  {row.size:,}", style="dim")
            return text
        indent = "  " if namespace_of(row.name) else ""
        text = Text(f"{indent}{self._short(row)}")
        if row.name in self.counts:
            text.append(f"  {self.counts[row.name]:,}", style="dim")
        return text

    def _short(self, row: NameRow) -> str:
        namespace = namespace_of(row.name)
        return row.name[len(namespace) + 1 :] if namespace else row.name

    # Opening and closing namespaces -------------------------------------------

    def _namespace_here(self) -> str | None:
        option_id = self.highlighted_id
        if option_id is None:
            return None
        if _is_name(option_id):
            return namespace_of(option_id) or None
        return option_id[:-1]

    def _set_collapsed(self, namespace: str, closed: bool) -> None:
        if self._filter.active:
            # A filter shows every match; closing a namespace would hide some.
            return
        if closed:
            self.collapsed.add(namespace)
        else:
            self.collapsed.discard(namespace)
        keep = self.highlighted_id
        if closed:
            keep = header_id(namespace)
        self._render_rows(keep=keep)

    def action_toggle_group(self) -> None:
        namespace = self._namespace_here()
        if namespace is not None:
            self._set_collapsed(namespace, namespace not in self.collapsed)

    def action_collapse(self) -> None:
        namespace = self._namespace_here()
        if namespace is not None:
            self._set_collapsed(namespace, True)

    def action_expand(self) -> None:
        namespace = self._namespace_here()
        if namespace is not None:
            self._set_collapsed(namespace, False)

    @on(OptionList.OptionSelected)
    def _header_selected(self, event: OptionList.OptionSelected) -> None:
        # Enter on a header opens or closes it; it is not a repository.
        if not _is_name(event.option.id):
            event.stop()
            self.action_toggle_group()

    @on(OptionList.OptionHighlighted)
    def _header_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if not _is_name(event.option.id):
            event.stop()


def _is_name(option_id: str | None) -> bool:
    return option_id is not None and not option_id.endswith("/")
