"""The browser's key bindings, one table for the footer, help and palette.

The footer has room for about a dozen keys at 150 columns, so only the keys a
newcomer needs to find their way show there (``show`` left True); the others
are marked ``show=False`` and are listed by the help screen (``?``) and the
command palette (``ctrl+p``) all the same.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

__all__ = ["BROWSER_BINDINGS"]

BROWSER_BINDINGS: list[BindingType] = [
    Binding("enter", "descend", "Open", id="browse.open"),
    Binding("escape", "back", "Back", show=False, id="browse.back"),
    Binding("tab", "cycle(1)", "Next pane", id="browse.next_pane"),
    Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="browse.prev"),
    Binding("r", "refresh", "Refresh", id="browse.refresh"),
    Binding("slash", "filter", "Filter", key_display="/", id="list.filter"),
    Binding("[,alt+left", "go(-1)", "Go back", show=False, id="nav.back"),
    Binding("],alt+right", "go(1)", "Go forward", show=False, id="nav.forward"),
    Binding("+", "add_repository", "Add repository", show=False, id="repository.add"),
    Binding("m", "details('raw')", "Raw manifest", show=False, id="details.raw"),
    Binding(
        "p", "details('platform')", "Next platform", show=False, id="details.platform"
    ),
    Binding("c", "copy(False)", "Copy…", id="tag.copy"),
    Binding("C", "copy(True)", "Copy @digest", show=False, id="tag.copy_digest"),
    Binding("d", "delete(False)", "Delete tag", id="tag.delete"),
    Binding("D", "delete(True)", "Delete image", id="tag.delete_image"),
    Binding("L", "lifecycle", "Lifecycle policy", id="lifecycle.open"),
]
