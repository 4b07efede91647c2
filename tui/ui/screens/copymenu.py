"""The copy menu: pick what to copy for the selected tag, by arrow or by number.

Each entry is one line: its number, its label and the text it copies. A text
too long for the line (a pull command by digest) loses its middle to an
ellipsis rather than wrapping, so that a digest is never broken across lines;
the notification after copying shows it whole.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...registry.models import TaggedImage
from ..words import middle_ellipsis
from .clipboard import CopyChoice, copy_choices, copy_text
from .sources import Source

__all__ = ["CopyMenu", "OneLine", "offer_copy"]


class OneLine:
    """A label, then a text cut in the middle to fit what is left of the line."""

    def __init__(self, label: Text, text: str) -> None:
        self.label = label
        self.text = text

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        room = max(options.max_width - self.label.cell_len, 1)
        yield Text.assemble(self.label, middle_ellipsis(self.text, room))

    def __rich_measure__(
        self, console: Console, options: ConsoleOptions
    ) -> Measurement:
        width = self.label.cell_len + len(self.text)
        return Measurement(min(self.label.cell_len + 1, width), width)


class CopyMenu(ModalScreen[CopyChoice | None]):
    """A short list of :class:`CopyChoice`; enter or a digit picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="copy.close"),
        *(
            Binding(
                str(n),
                f"pick({n - 1})",
                f"Copy item {n}",
                show=False,
                id=f"copy.item{n}",
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

    def _option(self, number: int, choice: CopyChoice) -> Option:
        width = max(len(choice.label) for choice in self.choices)
        label = Text(f"{number + 1}  {choice.label:<{width}}  ", style="bold")
        return Option(OneLine(label, choice.text), id=str(number))

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
