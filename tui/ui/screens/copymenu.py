"""The copy menu: pick what to copy for the selected tag, by arrow or by number."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...registry.models import TaggedImage
from .clipboard import CopyChoice, copy_choices, copy_text
from .sources import Source

__all__ = ["CopyMenu", "offer_copy"]


class CopyMenu(ModalScreen[CopyChoice | None]):
    """A short list of :class:`CopyChoice`; enter or a digit picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="copy.close"),
        *(
            Binding(
                str(n), f"pick({n - 1})", "Copy item N", show=False, id=f"copy.item{n}"
            )
            for n in range(1, 5)
        ),
        Binding("j", "cursor(1)", "Down", show=False, id="copy.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="copy.up"),
    ]

    def __init__(self, title: str, choices: list[CopyChoice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog") as dialog:
            dialog.border_title = "Copy"
            dialog.border_subtitle = "enter copies, escape closes"
            yield Static(self.title_text, id="copy-title", markup=False)
            yield OptionList(
                *(self._option(n, choice) for n, choice in enumerate(self.choices)),
                id="copy-choices",
            )

    @staticmethod
    def _option(number: int, choice: CopyChoice) -> Option:
        # The text can be long (a digest, a path): it gets a line of its own.
        prompt = Text.assemble(
            (f"{number + 1}  {choice.label}\n", "bold"), ("   ", ""), choice.text
        )
        return Option(prompt, id=str(number))

    def on_mount(self) -> None:
        choices = self.query_one("#copy-choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_pick(self, index: int) -> None:
        if index < len(self.choices):
            self.dismiss(self.choices[index])

    def action_cursor(self, step: int) -> None:
        choices = self.query_one("#copy-choices", OptionList)
        if step > 0:
            choices.action_cursor_down()
        else:
            choices.action_cursor_up()


def offer_copy(
    screen: Screen[Any],
    selected: tuple[Source, str, TaggedImage],
    tool: str,
    *,
    pinned: bool,
) -> None:
    """Copy the pinned pull command, or open the menu (``pinned`` False)."""
    source, repository, entry = selected
    registry = source.registry
    if registry is None:
        return
    choices = copy_choices(registry, repository, entry, tool)

    def copy(choice: CopyChoice | None) -> None:
        if choice is not None:
            screen.run_worker(
                _copy(screen, choice.text),
                group="clipboard",
                exclusive=True,
                exit_on_error=False,
            )

    if not pinned:
        title = f"{repository}:{entry.tag}"
        screen.app.push_screen(CopyMenu(title, choices), copy)
    elif entry.image is None:
        screen.notify(f"{entry.tag} has no known digest", severity="warning")
    else:
        copy(choices[1])


async def _copy(screen: Screen[Any], text: str) -> None:
    where = await copy_text(screen.app, text)
    screen.notify(text, title=f"Copied to the {where}", markup=False)
