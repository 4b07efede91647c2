"""The registries list, with the keys that change it.

Each registry in the list shows its state: a dot that is green when the
registry answered the API check, yellow when it wants a login, red with the
reason when it failed. The checks run in workers as soon as the list is
filled, one per registry, so a registry that is down delays nothing; the
highlighted registry's state is spelled out under the list. The browser's own
loads keep the state current afterwards (:meth:`RegistryList.set_state`): a
registry that stops answering turns red, and green again once it answers.

The keys here (add, edit, remove a registry) are carried out by a
:class:`ListActions` the browser hands in, which edits the configuration file
and refreshes the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...registry.errors import (
    AccessDenied,
    AuthenticationFailed,
    RegistryError,
    RegistryUnreachable,
)
from ..screens.sources import Source, Sources
from .lists import NameList
from .pane import Pane

__all__ = [
    "REACHABLE",
    "ListActions",
    "RegistryList",
    "RegistryState",
    "check_registry",
    "state_for",
]


class ListActions(Protocol):
    """What the lists' keys ask the browser to do."""

    @property
    def sources(self) -> Sources:
        """The registries shown."""
        ...

    def add_registry(self) -> None:
        """Ask for a new registry and save it."""
        ...

    def edit_registry(self, label: str) -> None:
        """Change the settings of the registry ``label``."""
        ...

    def remove_registry(self, label: str) -> None:
        """Remove the registry ``label`` from the configuration file."""
        ...

    def shows_failure_of(self, label: str) -> bool:
        """Whether a pane beside the list spells out the last failure of ``label``."""
        ...


@dataclass(frozen=True)
class RegistryState:
    """What the last check of a registry found."""

    word: str
    style: str
    reason: str = ""


CHECKING = RegistryState("checking", "dim")
REACHABLE = RegistryState("reachable", "green")


def state_for(error: RegistryError) -> RegistryState | None:
    """What ``error`` says about the whole registry, if anything.

    A refused connection or login concerns every request to the registry; a
    missing repository or a broken manifest concerns that one only (None).
    """
    if isinstance(error, RegistryUnreachable):
        return RegistryState("unreachable", "red", error.message)
    if isinstance(error, AuthenticationFailed):
        return RegistryState("needs login", "yellow", error.message)
    if isinstance(error, AccessDenied):
        return RegistryState("access denied", "yellow", error.message)
    return None


async def check_registry(sources: Sources, source: Source) -> RegistryState:
    """Ask the registry whether it answers and accepts us (``ping``)."""
    try:
        await sources.open(source).registry.ping()
    except RegistryError as error:
        return state_for(error) or RegistryState("error", "red", str(error))
    return REACHABLE


class RegistryList(NameList):
    """The registries, each with its state; a, e and x change the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add registry", id="registry.add"),
        # Shown by help and the palette: the footer has no room for them.
        Binding("e", "edit", "Edit registry", show=False, id="registry.edit"),
        Binding(
            "x,delete", "remove", "Remove registry", show=False, id="registry.remove"
        ),
    ]

    class Checked(Message):
        """A registry's check finished."""

        def __init__(self, label: str, state: RegistryState) -> None:
            super().__init__()
            self.label = label
            self.state = state

    def __init__(self, actions: ListActions, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.actions = actions
        self.states: dict[str, RegistryState] = {}

    def show_names(self, names: list[str]) -> None:
        """List the registries ``names`` and check each of them again."""
        self.set_options(Option(self._prompt(name), id=name) for name in names)
        self.highlighted = 0 if names else None
        for source in self.actions.sources.items:
            if source.label in names:
                self.states[source.label] = CHECKING
                self.check(source)
        self.describe()

    def _prompt(self, name: str) -> Text:
        state = self.states.get(name, CHECKING)
        return Text.assemble(("● ", state.style), name)

    @work(group="registry-states", exit_on_error=False)
    async def check(self, source: Source) -> None:
        """Check one registry (worker)."""
        state = await check_registry(self.actions.sources, source)
        self.post_message(self.Checked(source.label, state))

    def on_registry_list_checked(self, message: Checked) -> None:
        self.set_state(message.label, message.state)

    def set_state(self, label: str, state: RegistryState) -> None:
        """Show ``state`` for the registry ``label`` (after a load, for instance)."""
        self.states[label] = state
        if any(option.id == label for option in self.options):
            self.replace_option_prompt(label, self._prompt(label))
        self.describe()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self.describe()

    def describe(self) -> None:
        """Spell out the highlighted registry's state under the list."""
        pane = self.parent
        name = self.current
        if not isinstance(pane, Pane) or name is None:
            return
        state = self.states.get(name, CHECKING)
        text = state.word
        # The pane that failed shows the whole error; saying it here too
        # would only repeat it in a narrower box.
        if state.reason and not self.actions.shows_failure_of(name):
            text += f": {state.reason}"
        pane.set_status(text, error=state.style == "red")

    def action_add(self) -> None:
        self.actions.add_registry()

    def action_edit(self) -> None:
        if self.current is not None:
            self.actions.edit_registry(self.current)

    def action_remove(self) -> None:
        if self.current is not None:
            self.actions.remove_registry(self.current)
