"""The README's key table says what the UI's binding tables say.

Each row names keys (in backticks) and, for a binding of its own, the binding
id that the configuration's ``[keys]`` remaps. The keys of a row must be keys
of that binding; every binding the main screens offer must have a row.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding
from textual.keys import _character_to_key

from tui.ui.app import TagyardApp
from tui.ui.keymap import binding_ids
from tui.ui.screens.browser import BrowserScreen
from tui.ui.widgets.filterbar import FilterBar
from tui.ui.widgets.registries import RegistryList
from tui.ui.widgets.repositories import RepositoryList
from tui.ui.widgets.tags import TagTable

README = Path(__file__).resolve().parent.parent / "README.md"
_ARROWS = {"↑": "up", "↓": "down", "←": "left", "→": "right"}


def normalize(key: str) -> str:
    key = _ARROWS.get(key, key.strip())
    return _character_to_key(key) if len(key) == 1 else key


def table() -> list[tuple[list[str], str]]:
    """(keys, id) of each row of the table under "## Keys"."""
    section = README.read_text(encoding="utf-8").split("## Keys", 1)[1].lstrip()
    rows = []
    for line in section.split("\n\n", 1)[0].splitlines()[2:]:
        key_cell, _, id_cell = (cell.strip() for cell in line.strip("|").split("|"))
        keys = [normalize(key) for key in re.findall(r"`([^`]+)`", key_cell)]
        rows.append((keys, id_cell.strip("`")))
    return rows


def bindings_by_id() -> dict[str, Binding]:
    found: dict[str, Binding] = {}
    for cls in (TagyardApp, BrowserScreen, RegistryList):
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.id:
                found[binding.id] = binding
    return found


def widget_bindings_by_id() -> dict[str, Binding]:
    """The bindings of the tags table, the repositories list and the filter bar."""
    found: dict[str, Binding] = {}
    for cls in (TagTable, RepositoryList, FilterBar):
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.id:
                found[binding.id] = binding
    return found


def test_each_row_names_the_keys_of_its_binding() -> None:
    bindings = widget_bindings_by_id() | bindings_by_id()
    known = binding_ids()
    for keys, binding_id in table():
        if not binding_id:
            continue
        assert binding_id in known, f"README names an unknown id {binding_id}"
        binding = bindings[binding_id]
        bound = [normalize(key) for key in binding.key.split(",")]
        assert keys and set(keys) <= set(bound), (binding_id, keys, bound)


def test_every_binding_of_the_main_screens_has_a_row() -> None:
    documented = {binding_id for _, binding_id in table()}
    missing = sorted(set(bindings_by_id()) - documented)
    assert missing == [], f"README's key table lacks {missing}"
