"""The details pane: everything known about the image under the tags cursor.

The pane has two views, toggled with ``m``: the image (summary, layers,
config, history) and its raw manifest as highlighted JSON. For a
multi-platform index ``p`` steps through the platforms; both views follow the
platform picked. While a lifecycle policy is shown in the tags table, the
image view starts with the policy's full reason for the tag (``policy``).
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...registry.models import TaggedImage
from ..clock import now_for
from .image_view import platforms_of, render_image, render_raw

__all__ = ["ImageDetails"]


class ImageDetails(VerticalScroll):
    """A scrollable view of one tag's image, or of its raw manifest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="details.down"),
        Binding("k", "scroll_up", "Up", show=False, id="details.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Static("", markup=False)
        self.shown: TaggedImage | None = None
        self.raw = False
        self.picked = 0
        self.policy = ""
        self._about: tuple[str, list[str], str] = ("", [], "")

    def compose(self) -> ComposeResult:
        yield self.content

    def show_image(
        self, repository: str, entry: TaggedImage, sharing: list[str], pull: str
    ) -> None:
        """Show one tag's image and scroll back to the top."""
        before = self.shown.image.digest if self.shown and self.shown.image else None
        if entry.image is None or entry.image.digest != before:
            self.picked = 0
        self.shown = entry
        self._about = (repository, sharing, pull)
        self._render_shown()
        self.scroll_home(animate=False)

    def show_text(self, text: str) -> None:
        """Show a plain line instead of an image."""
        self.shown = None
        self.content.update(text)

    @property
    def platform_count(self) -> int:
        """How many platforms the shown image has (0 with no image)."""
        image = self.shown.image if self.shown else None
        return len(platforms_of(image)) if image else 0

    def act(self, what: str) -> None:
        """Run a details command: ``raw`` toggles the view, ``platform`` steps."""
        if self.shown is None:
            self.notify("Select a tag first", severity="warning")
            return
        if what == "raw":
            self.raw = not self.raw
        elif self.platform_count > 1:
            self.picked = (self.picked + 1) % self.platform_count
        else:
            self.notify("This image has one platform", timeout=2)
            return
        self._render_shown()

    def _render_shown(self) -> None:
        entry = self.shown
        if entry is None:
            return
        view: RenderableType
        if self.raw:
            view = render_raw(entry, self.picked)
        else:
            repository, sharing, pull = self._about
            view = render_image(
                repository, entry, sharing, pull, now=now_for(self), picked=self.picked
            )
            if self.policy:
                view = Group(Text(self.policy, style="bold"), view)
        self.content.update(view)
