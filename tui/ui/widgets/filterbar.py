"""The filter input under a list, and the message a list posts when its view changes.

``/`` opens a :class:`FilterBar` under the focused list (the tags table or the
repositories list). It filters as the user types (see :mod:`tui.ui.listing`
for what the text means); a broken regular expression is reported in the bar
while the list keeps the last filter that worked. Enter hands the keyboard
back to the list and leaves the bar showing the filter; escape clears the
filter and closes the bar.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, cast, runtime_checkable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from ..listing import Filter, FilterError

__all__ = ["FilterBar", "Filterable", "ListingChanged", "open_filter", "sync_filter"]

_PLACEHOLDER = "filter: text, ~regex or re:regex, ! in front inverts"
# Rebuilding a table of thousands of rows takes a noticeable moment; while
# the user is still typing, only the last text within this pause is applied.
_TYPING_PAUSE = 0.12


@runtime_checkable
class Filterable(Protocol):
    """A list the filter bar can filter."""

    @property
    def active_filter(self) -> Filter:
        """The filter the list applies now."""
        ...

    def apply_filter(self, query: Filter) -> None:
        """Show only the rows ``query`` lets through."""
        ...

    def focus(self, scroll_visible: bool = True) -> Widget:
        """Take the keyboard."""
        ...


class ListingChanged(Message):
    """A list's filter, order or marks changed: its counts and title follow."""

    def __init__(self, listing: Widget) -> None:
        super().__init__()
        self.listing = listing


class FilterBar(Horizontal):
    """A one-line filter input for one list, mounted right under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Clear filter", id="filter.clear"),
    ]

    def __init__(self, listing: Filterable) -> None:
        super().__init__(classes="filter-bar")
        self.listing = listing
        self.input = Input(listing.active_filter.text, placeholder=_PLACEHOLDER)
        self.error = Static("", classes="filter-error", markup=False)
        self._waiting: Filter | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("/", classes="filter-prompt")
        yield self.input
        yield self.error

    def on_mount(self) -> None:
        self.input.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            query = Filter.parse(event.value)
        except FilterError as error:
            # The list keeps the last filter that worked.
            self.error.update(str(error))
            self.error.display = True
            return
        self.error.display = False
        self._waiting = query
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(_TYPING_PAUSE, self.apply_now)

    @property
    def pending(self) -> bool:
        """Whether typed text waits for the typing pause to be applied."""
        return self._waiting is not None

    def apply_now(self) -> None:
        """Apply what was typed last, without waiting for the pause."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._waiting is not None:
            self.listing.apply_filter(self._waiting)
            self._waiting = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_now()
        self.listing.focus()
        if not self.listing.active_filter.active:
            self.remove()
        elif self.error.display:
            # What stays on screen is the filter that applies, not the typo.
            self.input.value = self.listing.active_filter.text

    def action_close(self) -> None:
        self._waiting = Filter()
        self.apply_now()
        self.listing.focus()
        self.remove()


def _bar_of(listing: Widget) -> FilterBar | None:
    parent = listing.parent
    if parent is None:
        return None
    for bar in parent.query_children(FilterBar):
        if bar.listing is cast(Filterable, listing):
            return bar
    return None


def open_filter(listing: Widget) -> None:
    """Give the keyboard to the filter bar of ``listing``, opening it if needed."""
    bar = _bar_of(listing)
    parent = listing.parent
    if bar is not None:
        bar.input.focus()
    elif isinstance(parent, Widget) and isinstance(listing, Filterable):
        parent.mount(FilterBar(listing), after=listing)


def sync_filter(listing: Widget) -> None:
    """Close the bar of a list whose filter was dropped (it opened another scope)."""
    bar = _bar_of(listing)
    if bar is None or bar.input.has_focus or not isinstance(listing, Filterable):
        return
    if not listing.active_filter.active:
        bar.remove()
