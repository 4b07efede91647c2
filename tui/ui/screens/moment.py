"""The question the lifecycle pane asks with ``t``: at which moment to evaluate.

The same ISO 8601 forms as the command line's ``--at`` are accepted, but a
wrong answer is reported in the dialog, in its own words, and the dialog
stays open for a corrected answer.
"""

from __future__ import annotations

from datetime import datetime

from ...registry.manifests import parse_datetime
from .prompt import PromptScreen

__all__ = ["NOT_A_TIME", "moment_prompt", "parse_moment"]

NOT_A_TIME = "not a time: write 2026-12-10 or 2026-12-10T12:00:00Z"


def parse_moment(text: str) -> datetime | None:
    """The instant ``text`` names (a date is its midnight, UTC), or None."""
    return parse_datetime(text if "T" in text else f"{text}T00:00:00Z")


def _problem(text: str) -> str | None:
    if not text or parse_moment(text) is not None:
        return None
    return NOT_A_TIME


def moment_prompt(current: datetime | None) -> PromptScreen:
    """The dialog; it answers a valid time, ``""`` for now, or None (cancelled)."""
    return PromptScreen(
        "Evaluate the policy at",
        "An ISO 8601 time or date (UTC unless it says otherwise), such as "
        "2026-12-10 or 2026-12-10T12:00:00Z. Empty means now.",
        value="" if current is None else current.isoformat(),
        check=_problem,
    )
