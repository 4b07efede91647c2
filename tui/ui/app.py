"""The Textual application and the entry point the ``tagyard`` command calls.

Every binding has an id (``tag.delete``, ``nav.back``, ...); the
configuration's ``[keys]`` table remaps them through Textual's keymap, and the
help screen and the command palette show the keys as remapped.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from ..config import Config
from ..connect import Target, parse_target
from .clock import Clock, utc_now
from .keymap import check_config
from .palette import BrowserCommands
from .screens.browser import BrowserScreen
from .screens.help import HelpScreen, help_sections
from .screens.journal import JournalScreen
from .screens.sources import Sources

__all__ = ["TagyardApp", "build_app", "run_app"]


class TagyardApp(App[int]):
    """Browse registries; owns the open registries and closes them on exit."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "app.tcss",
        "lifecycle.tcss",
        "journal.tcss",
        "dialogs.tcss",
    ]
    TITLE = "tagyard"
    COMMANDS = App.COMMANDS | {BrowserCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("J", "journal", "Delete journal", show=False, id="app.journal"),
    ]

    def __init__(self, sources: Sources, start: Target | None = None) -> None:
        super().__init__()
        self.sources = sources
        self.start = start
        self.now: Clock = utc_now
        # The copy of the demo this run browses, removed when the app ends.
        self.demo_copy: Path | None = None

    def on_mount(self) -> None:
        if self.sources.read_only:
            self.title = f"{self.TITLE} (read-only)"
        if self.sources.config.theme:
            self.theme = self.sources.config.theme
        self.set_keymap(self.sources.config.keys)
        self.push_screen(BrowserScreen(self.sources, self.start))

    async def on_unmount(self) -> None:
        await self.sources.aclose()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            sections = help_sections(self.BINDINGS, read_only=self.sources.read_only)
            self.push_screen(HelpScreen(sections, self.sources.config.keys))

    def action_journal(self) -> None:
        if not isinstance(self.screen, JournalScreen):
            self.push_screen(JournalScreen(self.sources))


def build_app(
    *,
    target: str | None,
    demo: bool,
    insecure: bool,
    config: Config,
    read_only: bool = False,
) -> TagyardApp:
    """The app for a command line; raises ``RegistryError`` for a bad target."""
    copy = None
    if demo:
        # Imported here so that the sample data is only touched when asked for.
        from ..demo import prepare_demo

        copy = prepare_demo()
        target = f"oci:{copy}"
    try:
        check_config(config)
        start = parse_target(target) if target else None
    except BaseException:
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)
        raise
    sources = Sources(config, insecure=insecure, read_only=read_only, first=start)
    app = TagyardApp(sources, start)
    app.demo_copy = copy
    return app


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
    try:
        app.run()
    finally:
        # Every demo starts from a fresh copy; this run's is of no further use.
        if app.demo_copy is not None:
            shutil.rmtree(app.demo_copy, ignore_errors=True)
    # Textual sets a non-zero return code when the app ended on an exception.
    return app.return_code or 0
