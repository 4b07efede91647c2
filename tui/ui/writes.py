"""Which key bindings write to a registry, so that read-only mode can hide them.

With ``--read-only`` (or ``read_only = true`` in the config) the registry
objects refuse every write anyway; the UI goes further and does not offer the
keys at all. A screen's ``check_action`` answers False for these actions, which
hides them from the footer and makes the key do nothing, and the help screen
leaves them out.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingType

__all__ = ["WRITING_BINDINGS", "hidden_when_read_only", "without_writes"]

WRITING_BINDINGS = frozenset(
    {"tag.delete", "tag.delete_image", "lifecycle.apply", "journal.undo"}
)
"""The ids of every binding that changes what a registry holds."""


def _writes(binding: BindingType) -> bool:
    return isinstance(binding, Binding) and binding.id in WRITING_BINDINGS


def hidden_when_read_only(bindings: Sequence[BindingType], action: str) -> bool:
    """Whether ``action`` (a name, without arguments) belongs to a writing binding."""
    return any(
        isinstance(binding, Binding)
        and binding.id in WRITING_BINDINGS
        and binding.action.partition("(")[0] == action
        for binding in bindings
    )


def without_writes(bindings: Sequence[BindingType]) -> list[BindingType]:
    """``bindings`` minus those that write to a registry."""
    return [binding for binding in bindings if not _writes(binding)]
