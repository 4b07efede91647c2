"""The tags table: one row per tag, with tags that share a digest marked.

Tags on the same digest get the same letter in the first column (headed
``≡``: ``a``, ``b``, ...) and name each other in the "same as" column, so that
deleting one of them by digest cannot surprise anybody; the pane's border says
what the letters mean whenever the rows show one.

The rows are a :class:`~tui.ui.listing.TagView` of the loaded tags: filtered,
sorted, and with marks (a ``●`` in the narrow column on the left) that the
bulk actions act on.

While the repository has a valid lifecycle policy (see :mod:`tui.ui.verdicts`)
a last column, headed ``policy``, says whether each tag's image would expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ...cli.output import format_size
from ...registry.models import TaggedImage
from ..clock import now_for
from ..listing import Filter, TagView, count_label
from ..verdicts import Verdicts
from ..words import plural, short_created, table_digest
from .filterbar import ListingChanged

__all__ = ["TagTable", "digest_groups", "platform_summary"]

_GROUP_STYLES = ("bold magenta", "bold cyan", "bold yellow", "bold green", "bold blue")
# Narrow, telling columns first: on a small terminal the table scrolls
# sideways, and what is cut off first (the age) is in the details pane too.
# At 150 columns every column fits: the digest and the age are short forms.
_COLUMNS = ("≡", "tag", "same as", "digest", "size", "platforms", "created")
_MAX_PLATFORMS = 26
_MAX_ERROR = 60


def digest_groups(entries: Sequence[TaggedImage]) -> dict[str, list[str]]:
    """Every digest that several of ``entries`` point at, with those tags."""
    groups: dict[str, list[str]] = {}
    for entry in entries:
        if entry.image is not None:
            groups.setdefault(entry.image.digest, []).append(entry.tag)
    return {digest: tags for digest, tags in groups.items() if len(tags) > 1}


def platform_summary(entry: TaggedImage) -> str:
    """The platforms of a tag's image, shortened to fit one table cell."""
    if entry.image is None:
        return ""
    names = ", ".join(str(p.platform) for p in entry.image.platforms if p.platform)
    if len(names) > _MAX_PLATFORMS:
        names = names[: _MAX_PLATFORMS - 1] + "…"
    return names or "-"


def _mark(marked: bool) -> Text:
    return Text("●", style="bold yellow") if marked else Text(" ")


def _same_as(tag: str, sharing: list[str]) -> str:
    others = [other for other in sharing if other != tag]
    if not others:
        return ""
    extra = f" +{len(others) - 1}" if len(others) > 1 else ""
    return f"= {others[0]}{extra}"


class TagTable(DataTable[Text]):
    """The tags of one repository; the row keys are the tag names."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("space", "mark", "Mark", id="tags.mark"),
        Binding("v", "mark_range", "Mark range", show=False, id="tags.mark_range"),
        Binding("escape", "clear_marks", "Clear marks", id="tags.clear_marks"),
        Binding("s", "sort", "Sort", id="tags.sort"),
        Binding(
            "S", "sort_reverse", "Reverse sort", show=False, id="tags.sort_reverse"
        ),
        Binding(
            "home,ctrl+home", "scroll_top", "First tag", show=False, id="tags.first"
        ),
        Binding(
            "end,ctrl+end", "scroll_bottom", "Last tag", show=False, id="tags.last"
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[TaggedImage] = []
        self.groups: dict[str, list[str]] = {}
        self.view = TagView()
        self.verdicts: Verdicts | None = None

    def show_entries(
        self, entries: list[TaggedImage], verdicts: Verdicts | None = None
    ) -> None:
        """Replace what is loaded with ``entries`` (the cursor goes to the top)."""
        self.view.load(entries)
        self.groups = digest_groups(entries)
        self.verdicts = verdicts
        self._show_rows()

    def show_verdicts(self, verdicts: Verdicts | None) -> None:
        """Show what a lifecycle policy does to each tag, or no policy column."""
        self.verdicts = verdicts
        self._refresh_view()

    def _show_rows(self) -> None:
        self.entries = self.view.rows()
        letters = {digest: index for index, digest in enumerate(self.groups)}
        # Columns only ever widen; starting afresh sizes them to these rows.
        self.clear(columns=True)
        self.add_column("", key="mark")
        for label in _COLUMNS:
            self.add_column(label, key="marker" if label == "≡" else label)
        verdicts = self.verdicts
        if verdicts is not None:
            self.add_column("policy", key="policy")
        for entry in self.entries:
            mark = _mark(entry.tag in self.view.marks)
            cells = self._cells(entry, letters)
            if verdicts is not None:
                cells.append(verdicts.cell(entry))
            self.add_row(mark, *cells, key=entry.tag)
        # The table measures new rows once it is idle, but a frame drawn in
        # between is cached with the columns as wide as their headers; drawing
        # again after the measuring shows the rows at their full width.
        self.call_next(self.notify_style_update)

    def _cells(self, entry: TaggedImage, letters: dict[str, int]) -> list[Text]:
        image = entry.image
        if image is None:
            error = entry.error or "unresolved"
            if len(error) > _MAX_ERROR:
                error = error[: _MAX_ERROR - 1] + "…"
            return [
                Text(""),
                Text(entry.tag, style="bold"),
                Text(""),
                Text("error", style="bold red"),
                Text("-", justify="right"),
                Text(""),
                Text(error, style="red"),
            ]
        marker = Text("")
        if image.digest in letters:
            index = letters[image.digest]
            marker = Text(
                chr(ord("a") + index % 26), _GROUP_STYLES[index % len(_GROUP_STYLES)]
            )
        return [
            marker,
            Text(entry.tag, style="bold"),
            Text(_same_as(entry.tag, self.groups.get(image.digest, []))),
            Text(table_digest(image.digest)),
            Text(format_size(image.size), justify="right"),
            Text(platform_summary(entry)),
            Text(short_created(image.created, now_for(self))),
        ]

    @property
    def summary(self) -> str:
        """Counts for the pane border: tags, distinct images, shared, failed.

        The counts describe the rows shown: a filter shows as ``37 of 2,187
        tags`` followed by the images of those 37. Marks (``5 marked``) count
        every marked tag, shown or not, since the bulk actions take them all.
        """
        loaded, rows = self.view.entries, self.entries
        images = {e.image.digest for e in rows if e.image is not None}
        tags = plural(len(loaded), "tag")
        if self.view.filter.active:
            tags = f"{count_label(len(rows), len(loaded))} tags"
        parts = [tags, plural(len(images), "image")]
        letters = self._letters_shown()
        if letters:
            parts.append(letters)
        failed = sum(1 for e in rows if e.image is None)
        if failed:
            parts.append(f"{failed:,} unreadable")
        marked = len(self.view.marked())
        if marked:
            parts.append(f"{marked:,} marked")
        if self.verdicts is not None:
            parts.append(self.verdicts.summary(now_for(self)))
        return ", ".join(parts)

    def _letters_shown(self) -> str:
        """What the letters of the ``≡`` column mean, if the rows show any."""
        shown = {e.image.digest for e in self.entries if e.image is not None}
        letters = [
            chr(ord("a") + index % 26)
            for index, digest in enumerate(self.groups)
            if digest in shown
        ]
        if not letters:
            return ""
        if len(letters) == 1:
            return f"{letters[0]} = tags on the same image"
        named = " ".join(letters) if len(letters) <= 3 else f"{letters[0]}…"
        return f"same letter ({named}) = same image"

    @property
    def current(self) -> TaggedImage | None:
        """The entry under the cursor, if the table has rows."""
        if not self.entries or not 0 <= self.cursor_row < len(self.entries):
            return None
        return self.entries[self.cursor_row]

    def select_tag(self, tag: str) -> bool:
        """Put the cursor on ``tag``; False when the table does not have it."""
        for index, entry in enumerate(self.entries):
            if entry.tag == tag:
                self.move_cursor(row=index)
                return True
        return False

    def sharing(self, entry: TaggedImage) -> list[str]:
        """The loaded tags on the same digest as ``entry`` (itself included)."""
        if entry.image is None:
            return [entry.tag]
        return self.groups.get(entry.image.digest, [entry.tag])

    # The view: filter, order, marks ---------------------------------------------

    def open_scope(self, scope: str) -> None:
        """Show the tags of ``scope``; another one drops the filter and the marks."""
        if scope != self.view.scope:
            self.view.open(scope)
            self.post_message(ListingChanged(self))

    @property
    def active_filter(self) -> Filter:
        """The filter applied to the tags."""
        return self.view.filter

    def apply_filter(self, query: Filter) -> None:
        """Show only the tags ``query`` lets through."""
        self.view.filter = query
        self._refresh_view()

    def _refresh_view(self) -> None:
        # Keep the cursor on the same tag when it is still shown.
        current = self.current
        self._show_rows()
        if current is None or not self.select_tag(current.tag):
            self.move_cursor(row=0)
        self.post_message(ListingChanged(self))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without marks, escape is the screen's "back" instead.
        if action == "clear_marks":
            return bool(self.view.marks)
        return True

    def _set_marks(self, tags: list[str]) -> None:
        for tag in tags:
            if tag in self.rows:
                self.update_cell(tag, "mark", _mark(tag in self.view.marks))
        self.refresh_bindings()
        self.post_message(ListingChanged(self))

    def action_mark(self) -> None:
        if self.current is not None:
            self.view.toggle(self.current.tag)
            self._set_marks([self.current.tag])
            self.action_cursor_down()

    def action_mark_range(self) -> None:
        if self.current is not None:
            rows = [entry.tag for entry in self.entries]
            self._set_marks(self.view.mark_range(rows, self.current.tag))

    def action_clear_marks(self) -> None:
        marked = list(self.view.marks)
        self.view.marks.clear()
        self._set_marks(marked)

    def action_sort(self) -> None:
        self.view.sort = self.view.sort.cycled()
        self._refresh_view()

    def action_sort_reverse(self) -> None:
        self.view.sort = self.view.sort.flipped()
        self._refresh_view()
