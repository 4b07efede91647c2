"""Where the browser is: breadcrumbs at the top, and back and forward.

A :class:`Location` is a registry, optionally a repository in it and a tag.
:class:`History` keeps the visited ones the way a web browser does. Moving
the cursor through the repositories list is not a visit of its own: it
changes the current entry in place, so that going back skips the names
scrolled past and lands where the person last chose to go (with enter, from
the command palette or a bookmark). The tag under the cursor is kept in the
current entry, so going back returns to it.

:class:`Navigator` connects a history to the browser screen: the screen
tells it what it opened, and it sets the breadcrumbs and replays a location.
The history lives as long as the app; it is not saved between runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .screens.sources import Source
from .widgets.lists import NameList

if TYPE_CHECKING:
    from .screens.browser import BrowserScreen

__all__ = ["History", "Location", "Navigator"]

_LIMIT = 200


@dataclass(frozen=True)
class Location:
    """A registry, and perhaps a repository and a tag in it."""

    source: Source
    repository: str | None = None
    tag: str | None = None

    @property
    def crumbs(self) -> str:
        """``registry / repository / tag``, as far as it goes."""
        parts = [self.source.label, self.repository, self.tag]
        return " / ".join(part for part in parts if part)


class History:
    """Visited locations and a cursor into them."""

    def __init__(self, limit: int = _LIMIT) -> None:
        self.entries: list[Location] = []
        self.index = -1
        self.limit = limit

    @property
    def current(self) -> Location | None:
        """The location the cursor is on."""
        return self.entries[self.index] if self.entries else None

    def visit(self, location: Location, *, in_place: bool = False) -> None:
        """Go to ``location``; ``in_place`` replaces the current entry instead."""
        if self.current == location:
            return
        if in_place and self.current is not None:
            self.entries[self.index] = location
            return
        del self.entries[self.index + 1 :]
        self.entries.append(location)
        if len(self.entries) > self.limit:
            del self.entries[0]
        self.index = len(self.entries) - 1

    def retag(self, tag: str | None) -> None:
        """Remember ``tag`` as the one under the cursor at the current location."""
        current = self.current
        if current is not None and current.repository is not None:
            self.entries[self.index] = replace(current, tag=tag)

    def forget(self, source: Source) -> None:
        """Drop every location in ``source`` (a registry that was removed)."""
        current = self.current
        self.entries = [entry for entry in self.entries if entry.source is not source]
        if current in self.entries:
            self.index = self.entries.index(current)
        else:
            self.index = len(self.entries) - 1

    def step(self, offset: int) -> Location | None:
        """Move back (-1) or forward (+1); None when there is nowhere to go."""
        target = self.index + offset
        if not self.entries or not 0 <= target < len(self.entries):
            return None
        self.index = target
        return self.entries[target]


class Navigator:
    """Keeps the browser's history and breadcrumbs, and replays locations."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        self.history = History()
        self._replaying = False

    def opened_source(self, source: Source) -> None:
        """The browser made ``source`` current."""
        current = self.history.current
        # Reloading the registry on display is not a new visit.
        if not self._replaying and (current is None or current.source is not source):
            self.history.visit(Location(source))
        self._show()

    def opened_repository(self, name: str, *, by_cursor: bool) -> None:
        """The browser opened ``name``; ``by_cursor`` when scrolling got there."""
        source = self.screen.source
        current = self.history.current
        if source is None or self._replaying:
            return
        if current and current.source is source and current.repository == name:
            return
        in_place = current is not None and current.source is source
        self.history.visit(Location(source, name), in_place=by_cursor and in_place)
        self._show()

    def showing(self, tag: str | None) -> None:
        """The tags cursor is on ``tag`` (None: on no tag)."""
        current = self.history.current
        if current is not None and current.repository == self.screen.repository:
            self.history.retag(tag)
        self._show()

    def forget(self, source: Source) -> None:
        """``source`` was removed: drop it from the history and the breadcrumbs."""
        self.history.forget(source)
        self._show()

    def _show(self) -> None:
        screen = self.screen
        if screen.source is None:
            screen.sub_title = ""
            return
        current = screen.tags.current if screen.repository else None
        location = Location(
            screen.source, screen.repository, current.tag if current else None
        )
        screen.sub_title = location.crumbs

    def go(self, offset: int) -> None:
        """Go back (-1) or forward (+1) in the history."""
        location = self.history.step(offset)
        if location is None:
            where = "back" if offset < 0 else "forward"
            self.screen.notify(f"Nothing to go {where} to", timeout=2)
            return
        self._replay(location)

    def jump(self, repository: str) -> None:
        """Open ``repository`` of the current registry as a new visit."""
        source = self.screen.source
        if source is None:
            return
        self.history.visit(Location(source, repository))
        self._replay(Location(source, repository))
        self.screen.focus_pane("tags")

    def _replay(self, location: Location) -> None:
        screen = self.screen
        self._replaying = True
        try:
            if location.source is not screen.source:
                screen._want_repository = location.repository
                screen._want_tag = location.tag
                screen.open_source(location.source)
                names = screen.query_one("#registries", NameList)
                names.highlight_name(location.source.label)
            elif location.repository is None:
                screen.open_source(location.source)
            elif location.repository != screen.repository:
                screen._want_tag = location.tag
                screen.open_repository(location.repository)
                names = screen.query_one("#repositories", NameList)
                names.highlight_name(location.repository)
            elif location.tag is not None:
                screen.tags.select_tag(location.tag)
        finally:
            self._replaying = False
        self._show()
