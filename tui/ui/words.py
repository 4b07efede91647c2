"""How the UI writes counts, ages, digests and long texts in little room.

Tables at 150 columns have no room for ``2025-05-20 09:12 (1 year, 6 months
ago)`` or a 19-character digest in every row, so the tables use the short
forms here; the details pane keeps the long ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = [
    "middle_ellipsis",
    "plural",
    "short_age",
    "short_created",
    "table_digest",
]

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
# Up to this many days an age reads in days; "45d ago" is still easy to
# picture, and months are uneven.
_DAYS_SHOWN = 60


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 layer``, ``3 layers``, ``1,200 tags``; ``nouns`` for irregular plurals."""
    word = noun if count == 1 else (nouns or f"{noun}s")
    return f"{count:,} {word}"


def short_age(delta: timedelta) -> str:
    """``now``, ``5m ago``, ``3h ago``, ``15d ago``, ``6mo ago``, ``2y ago``.

    A negative delta (a clock ahead of ours) reads ``in 3d``.
    """
    seconds = int(delta.total_seconds())
    ahead = seconds < 0
    seconds = abs(seconds)
    if seconds < _MINUTE:
        return "now"
    if seconds < _HOUR:
        amount = f"{seconds // _MINUTE}m"
    elif seconds < _DAY:
        amount = f"{seconds // _HOUR}h"
    elif seconds < _DAYS_SHOWN * _DAY:
        amount = f"{seconds // _DAY}d"
    elif seconds < 730 * _DAY:
        amount = f"{seconds // (30 * _DAY)}mo"
    else:
        amount = f"{seconds // (365 * _DAY)}y"
    return f"in {amount}" if ahead else f"{amount} ago"


def short_created(created: datetime | None, now: datetime) -> str:
    """A date with its age, for a table cell: ``2026-11-18 (15d ago)``."""
    if created is None:
        return "-"
    if created.year < 1980:
        # Reproducible builds stamp 1970-01-01; its age would mean nothing.
        return f"{created:%Y-%m-%d} (no real date)"
    return f"{created:%Y-%m-%d} ({short_age(now - created)})"


def table_digest(digest: str) -> str:
    """The first 12 hex digits of a digest, as ``docker images`` shows an ID."""
    return digest.partition(":")[2][:12] or digest[:12]


def middle_ellipsis(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters by leaving out its middle.

    Both ends of a digest, a path or a pull command tell most: where it
    points and which one it is.
    """
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = (width - 1) // 2 + (width - 1) % 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[len(text) - tail :]}" if tail else f"{text[:head]}…"
