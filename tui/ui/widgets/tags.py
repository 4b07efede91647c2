"""The tags table: one row per tag, with tags that share a digest marked.

Tags on the same digest get the same letter in the first column (``a``,
``b``, ...) and name each other in the "same as" column, so that deleting one
of them by digest cannot surprise anybody.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ...cli.output import format_created, format_size, short_digest
from ...registry.models import TaggedImage

__all__ = ["TagTable", "digest_groups", "platform_summary"]

_GROUP_STYLES = ("bold magenta", "bold cyan", "bold yellow", "bold green", "bold blue")
# Narrow, telling columns first: on a small terminal the table scrolls
# sideways, and what is cut off first (the age) is in the details pane too.
_COLUMNS = ("", "tag", "same as", "digest", "size", "platforms", "created")
_MAX_PLATFORMS = 32
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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


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
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[TaggedImage] = []
        self.groups: dict[str, list[str]] = {}

    def show_entries(self, entries: list[TaggedImage]) -> None:
        """Replace the rows with ``entries`` (the cursor goes to the top)."""
        self.entries = entries
        self.groups = digest_groups(entries)
        letters = {digest: index for index, digest in enumerate(self.groups)}
        # Columns only ever widen; starting afresh sizes them to these rows.
        self.clear(columns=True)
        for label in _COLUMNS:
            self.add_column(label, key=label or "marker")
        for entry in entries:
            self.add_row(*self._cells(entry, letters), key=entry.tag)

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
            Text(short_digest(image.digest)),
            Text(format_size(image.size), justify="right"),
            Text(platform_summary(entry)),
            Text(format_created(image.created)),
        ]

    @property
    def summary(self) -> str:
        """Counts for the pane border: tags, distinct images, shared, failed."""
        images = {e.image.digest for e in self.entries if e.image is not None}
        parts = [_count(len(self.entries), "tag"), _count(len(images), "image")]
        if self.groups:
            parts.append(f"{_count(len(self.groups), 'digest')} shared by several tags")
        failed = sum(1 for e in self.entries if e.image is None)
        if failed:
            parts.append(f"{failed} unreadable")
        return ", ".join(parts)

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
