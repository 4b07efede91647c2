"""The UI's clock: "3 days ago" is measured from the app's ``now``.

Tests and screenshots replace ``TagyardApp.now`` with a fixed instant, so the
ages the tags table and the details pane show do not change from one run to
the next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual.dom import DOMNode

__all__ = ["Clock", "now_for", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def now_for(node: DOMNode) -> datetime:
    """The time according to the app ``node`` belongs to."""
    clock: Clock = getattr(node.app, "now", utc_now)
    return clock()
