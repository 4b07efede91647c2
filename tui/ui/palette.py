"""The command palette (ctrl+p): every action of the screen, and every repository.

Actions come from the bindings active on the screen the palette was opened
from, so each is listed with the description the footer and the help screen
show, and with the key it is bound to now (after the configuration's
``[keys]``). On the browser the palette also lists the repositories loaded for
the current registry: choosing one opens its tags, as a visit that back
(``[``) returns from.

Only the bindings active where the keyboard is are listed (the focused pane,
the screen, the app): the keys of the other panes act on a pane that is not
focused, so running them from here would act on the wrong thing. The help
screen lists every key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.binding import ActiveBinding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keymap import shown_keys
from .screens.browser import BrowserScreen
from .widgets.repositories import RepositoryList

__all__ = ["BrowserCommands"]


@dataclass(frozen=True)
class _Command:
    name: str
    help: str
    run: Callable[[], object]


class BrowserCommands(Provider):
    """Actions of the current screen and repositories of the current registry."""

    def _commands(self) -> Iterator[_Command]:
        screen = self.screen
        keymap = screen.sources.config.keys if isinstance(screen, BrowserScreen) else {}
        # One entry per action, however many keys are bound to it.
        found: dict[tuple[int, str], tuple[ActiveBinding, list[str]]] = {}
        for item in screen.active_bindings.values():
            binding = item.binding
            if not item.enabled or not binding.description or binding.system:
                continue
            _, keys = found.setdefault((id(item.node), binding.action), (item, []))
            keys.extend(shown_keys(self.app, binding, keymap))
        for item, keys in found.values():
            run = partial(self.app.run_action, item.binding.action, item.node)
            yield _Command(item.binding.description, f"key {' '.join(keys)}", run)

        if isinstance(screen, BrowserScreen) and screen.source is not None:
            # Every listed name, also those a closed namespace or a filter hides.
            names = screen.query_one("#repositories", RepositoryList).names
            label = screen.source.label
            for name in names:
                jump = partial(screen.navigator.jump, name)
                yield _Command(name, f"repository of {label}", jump)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.name),
                    command.run,
                    help=command.help,
                )
