"""The configuration's ``[keys]`` table and ``theme``, checked against the UI.

:mod:`tui.config` checks only the form of these settings, since it does not
import Textual. Here each binding id is looked up in the binding tables of
the UI's own screens and widgets, each key name among the keys Textual knows,
and the theme among Textual's themes, so that a typo stops tagyard with a
message naming the key before the screen is taken over.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, key_to_character
from textual.theme import BUILTIN_THEMES

from ..config import Config, ConfigError

__all__ = ["binding_ids", "check_config", "keys_for", "shown_keys"]

_MODIFIERS = {"ctrl", "alt", "shift", "meta", "super", "hyper"}
_NAMED_KEYS = {key.value for key in Keys if "+" not in key.value}


def _subclasses(cls: type[DOMNode]) -> Iterator[type[DOMNode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def binding_ids() -> set[str]:
    """The id of every binding declared by a screen or widget of tagyard's UI."""
    # Importing the app imports every screen and widget it can show.
    from . import app  # noqa: F401

    ids: set[str] = set()
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("tui.ui"):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def _known_key(key: str) -> bool:
    if len(key) == 1:
        return key.isprintable()
    *modifiers, name = key.split("+")
    if name == "" and modifiers and modifiers[-1] == "":
        # "ctrl++": the plus key with a modifier.
        modifiers, name = modifiers[:-1], "+"
    if any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    return len(name) == 1 or name in _NAMED_KEYS or key_to_character(name) is not None


def check_config(config: Config, app: App[object] | None = None) -> None:
    """Raise :class:`ConfigError` naming the first unknown binding id, key or theme."""
    known = binding_ids()
    for binding_id, keys in config.keys.items():
        where = f"{config.path}: keys.{binding_id}"
        if binding_id not in known:
            raise ConfigError(
                f"{where}: there is no binding with this id",
                hint="The help screen (?) and the README list the ids",
            )
        for key in keys.split(","):
            if not _known_key(key):
                raise ConfigError(
                    f"{where}: {key!r} is not a key name",
                    hint='Write keys as Textual does: "x", "ctrl+x", "f5", "delete"',
                )
    if config.theme is not None:
        themes = app.available_themes if app else BUILTIN_THEMES
        if config.theme not in themes:
            raise ConfigError(
                f"{config.path}: theme {config.theme!r} is not a theme",
                hint=f"Themes: {', '.join(sorted(themes))}",
            )


def keys_for(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys ``binding`` answers to once ``keymap`` has been applied."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


def shown_keys(
    app: App[object], binding: Binding, keymap: Mapping[str, str]
) -> list[str]:
    """The keys of ``binding`` as the footer writes them, remapping included."""
    remapped = bool(binding.id and binding.id in keymap)
    shown: list[str] = []
    for key in keys_for(binding, keymap).split(","):
        # A remapped binding's own key_display ("?") no longer describes it.
        one = replace(
            binding,
            key=key.strip(),
            key_display=None if remapped else binding.key_display,
        )
        text = app.get_key_display(one)
        if text not in shown:
            shown.append(text)
    return shown
