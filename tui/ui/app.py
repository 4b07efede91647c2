"""The Textual application and the entry point the ``tagyard`` command calls.

Not handled yet: keys cannot be remapped from the configuration file. Every
binding has an id (``tag.delete``, ``browse.refresh``, ...) so that Textual's
keymap can remap it once the file has a table for keys; until then the help
screen shows the keys as defined. Repositories are listed flat, not grouped
by namespace.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from ..config import Config
from ..connect import Target, parse_target
from .screens.browser import BrowserScreen
from .screens.help import HelpScreen, help_sections
from .screens.sources import Sources

__all__ = ["TagyardApp", "build_app", "run_app"]


class TagyardApp(App[int]):
    """Browse registries; owns the open registries and closes them on exit."""

    CSS_PATH = "app.tcss"
    TITLE = "tagyard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    ]

    def __init__(self, sources: Sources, start: Target | None = None) -> None:
        super().__init__()
        self.sources = sources
        self.start = start

    def on_mount(self) -> None:
        self.push_screen(BrowserScreen(self.sources, self.start))

    async def on_unmount(self) -> None:
        await self.sources.aclose()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_sections(self.BINDINGS)))


def build_app(
    *,
    target: str | None,
    demo: bool,
    insecure: bool,
    config: Config,
    read_only: bool = False,
) -> TagyardApp:
    """The app for a command line; raises ``RegistryError`` for a bad target."""
    if demo:
        # Imported here so that the sample data is only touched when asked for.
        from ..demo import prepare_demo

        target = f"oci:{prepare_demo()}"
    start = parse_target(target) if target else None
    sources = Sources(config, insecure=insecure, read_only=read_only, first=start)
    return TagyardApp(sources, start)


def run_app(
    *,
    target: str | None,
    demo: bool,
    insecure: bool,
    config: Config,
    read_only: bool = False,
) -> int:
    """Run the UI until the user quits; returns the process exit code."""
    app = build_app(
        target=target,
        demo=demo,
        insecure=insecure,
        config=config,
        read_only=read_only,
    )
    app.run()
    # Textual sets a non-zero return code when the app ended on an exception.
    return app.return_code or 0
