"""Filtering, ordering and marking rows of a list, free of any widget.

The tags table and the repositories list show a *view* of what was loaded:
the rows a :class:`Filter` lets through, in the order a :class:`Sort` puts
them, with some rows marked for a bulk action. Everything here is plain data
and pure functions, so it is tested without starting the UI.

A filter is typed by the user, character by character:

* ``abc`` keeps names that contain ``abc``, ignoring case;
* ``~a.c`` or ``re:a.c`` keeps names the regular expression finds (ignoring case);
* a leading ``!`` keeps the names the rest of the filter would drop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from ..registry.models import TaggedImage

__all__ = [
    "Filter",
    "FilterError",
    "Order",
    "Sort",
    "TagView",
    "count_label",
    "marked_range",
    "natural_key",
    "sort_tags",
    "tags_title",
]

_CHUNKS = re.compile(r"(\d+)")
_REGEX_PREFIXES = ("re:", "~")

NaturalKey = tuple[tuple[int, int, str], ...]


def natural_key(name: str) -> tuple[NaturalKey, str]:
    """A sort key that orders the digits in a name by value: v1.9 before v1.10.

    Runs of digits compare as numbers and come before letters; letters compare
    ignoring case. The name itself breaks ties (``build-01`` and ``build-1``).
    """
    parts = []
    for index, chunk in enumerate(_CHUNKS.split(name)):
        if not chunk:
            continue
        if index % 2:
            parts.append((0, int(chunk), ""))
        else:
            parts.append((1, 0, chunk.casefold()))
    return tuple(parts), name


class FilterError(ValueError):
    """The text typed is not a usable filter (a broken regular expression)."""


@dataclass(frozen=True)
class Filter:
    """What the user typed, compiled; an empty filter lets everything through."""

    text: str = ""
    inverted: bool = False
    pattern: re.Pattern[str] | None = None
    needle: str = ""

    @classmethod
    def parse(cls, text: str) -> Filter:
        """Compile ``text``; raises :class:`FilterError` for a broken regex."""
        body = text[1:] if text.startswith("!") else text
        inverted = body != text
        for prefix in _REGEX_PREFIXES:
            if body.startswith(prefix):
                try:
                    pattern = re.compile(body[len(prefix) :], re.IGNORECASE)
                except re.error as error:
                    raise FilterError(f"not a regular expression: {error}") from None
                return cls(text, inverted, pattern if pattern.pattern else None)
        return cls(text, inverted, None, body.casefold())

    @property
    def active(self) -> bool:
        """False while the filter would keep every row (``""``, ``!``, ``~``)."""
        return self.pattern is not None or bool(self.needle)

    def matches(self, name: str) -> bool:
        """Whether ``name`` stays in the view."""
        if not self.active:
            return True
        if self.pattern is not None:
            found = self.pattern.search(name) is not None
        else:
            found = self.needle in name.casefold()
        return found != self.inverted

    def keep(self, names: Iterable[str]) -> list[str]:
        """The names that stay, in their order."""
        return [name for name in names if self.matches(name)]


class Order(Enum):
    """What the tags are ordered by; each has its natural direction."""

    NAME = "name"
    CREATED = "created"
    SIZE = "size"


# The first direction of each order, and how it reads in the pane title.
_LABELS = {
    Order.NAME: ("by name", "by name, reversed"),
    Order.CREATED: ("newest first", "oldest first"),
    Order.SIZE: ("largest first", "smallest first"),
}


@dataclass(frozen=True)
class Sort:
    """An order and whether it runs backwards."""

    order: Order = Order.NAME
    reverse: bool = False

    def cycled(self) -> Sort:
        """The next order (name, created, size, name...) in its own direction."""
        orders = list(Order)
        return Sort(orders[(orders.index(self.order) + 1) % len(orders)])

    def flipped(self) -> Sort:
        """The same order, backwards."""
        return replace(self, reverse=not self.reverse)

    @property
    def label(self) -> str:
        """How the order reads: ``newest first``, ``by name``..."""
        return _LABELS[self.order][self.reverse]


def _value(entry: TaggedImage, order: Order) -> float | None:
    image = entry.image
    if image is None:
        return None
    if order is Order.CREATED:
        return image.created.timestamp() if image.created else None
    return float(image.size)


def sort_tags(entries: Iterable[TaggedImage], sort: Sort) -> list[TaggedImage]:
    """``entries`` in the order of ``sort``.

    Tags without a date or size (unreadable ones, or images that carry no
    date) go last in either direction: they are not the oldest nor the
    smallest, just unknown. Equal values keep the natural name order.
    """
    by_name = sorted(entries, key=lambda e: natural_key(e.tag))
    if sort.order is Order.NAME:
        return by_name[::-1] if sort.reverse else by_name
    valued = [(_value(e, sort.order), e) for e in by_name]
    known = [(value, e) for value, e in valued if value is not None]
    unknown = [e for value, e in valued if value is None]
    # Both orders start with the biggest value: newest, largest.
    known.sort(key=lambda pair: pair[0], reverse=not sort.reverse)
    return [e for _, e in known] + unknown


def tags_title(repository: str, sort: Sort) -> str:
    """The tags pane's title: whose tags, in which order."""
    return f"tags of {repository} · {sort.label}"


def count_label(shown: int, total: int) -> str:
    """``37 of 2,187``, the way a filtered list counts its rows."""
    return f"{shown:,} of {total:,}"


def marked_range(rows: Sequence[str], anchor: str | None, current: str) -> list[str]:
    """The rows from ``anchor`` to ``current``, both included, in row order.

    Without an anchor in ``rows`` (nothing marked yet, or the last marked row
    is filtered out) the range is ``current`` alone.
    """
    if current not in rows:
        return []
    end = rows.index(current)
    start = rows.index(anchor) if anchor in rows else end
    low, high = sorted((start, end))
    return list(rows[low : high + 1])


@dataclass
class TagView:
    """The tags of one repository as the table shows them.

    ``entries`` holds every loaded tag; :meth:`rows` is what the filter lets
    through, in the sort's order. Marks are tag names; a mark on a tag that is
    no longer loaded does nothing and is dropped at the next load.
    """

    scope: str | None = None
    entries: list[TaggedImage] = field(default_factory=list)
    filter: Filter = field(default_factory=Filter)
    sort: Sort = field(default_factory=Sort)
    marks: set[str] = field(default_factory=set)
    anchor: str | None = None

    def open(self, scope: str) -> None:
        """Start showing ``scope``; a new one drops the filter and the marks."""
        if scope != self.scope:
            self.scope = scope
            self.filter = Filter()
            self.marks.clear()
            self.anchor = None

    def load(self, entries: list[TaggedImage]) -> None:
        """Take a fresh listing, keeping marks only on tags still there."""
        self.entries = entries
        if entries:
            self.marks &= {entry.tag for entry in entries}

    def rows(self) -> list[TaggedImage]:
        """The tags that pass the filter, sorted."""
        kept = [e for e in self.entries if self.filter.matches(e.tag)]
        return sort_tags(kept, self.sort)

    def marked(self) -> list[TaggedImage]:
        """Every marked tag that is loaded, hidden by the filter or not, sorted."""
        return sort_tags((e for e in self.entries if e.tag in self.marks), self.sort)

    def toggle(self, tag: str) -> bool:
        """Flip the mark on ``tag``; returns whether it is marked now."""
        if tag in self.marks:
            self.marks.discard(tag)
            return False
        self.marks.add(tag)
        self.anchor = tag
        return True

    def mark_range(self, rows: Sequence[str], current: str) -> list[str]:
        """Mark the rows from the last marked one to ``current``; returns them."""
        run = marked_range(rows, self.anchor, current)
        self.marks.update(run)
        self.anchor = current
        return run
