"""Telling the other screens that a repository changed under them.

The lifecycle pane and the journal change repositories while other screens
sit underneath, showing tags or verdicts that may now be wrong. They announce
the change to every screen on the stack; a screen showing that repository
reads it again.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message
from textual.screen import Screen

from .sources import Source

__all__ = ["RepositoryChanged", "announce_change"]


class RepositoryChanged(Message):
    """``repository`` of the registry named ``registry`` was written to."""

    def __init__(self, registry: str, repository: str) -> None:
        super().__init__()
        self.registry = registry
        self.repository = repository

    def concerns(self, source: Source | None, repository: str | None) -> bool:
        """Whether the change is to ``repository`` of ``source``."""
        if source is None or repository != self.repository:
            return False
        opened = source.registry
        return self.registry in (source.label, opened.name if opened else None)


def announce_change(
    app: App[Any], registry: str, repository: str, *, besides: Screen[Any] | None
) -> None:
    """Post :class:`RepositoryChanged` to every screen on the stack but ``besides``."""
    for screen in app.screen_stack:
        if screen is not besides:
            screen.post_message(RepositoryChanged(registry, repository))
