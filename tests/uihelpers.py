"""Helpers for the Pilot tests of the UI: start the app, wait, read what it shows.

The tests drive the app the way the ``tagyard`` command builds it and look at
its screens and widgets; what the registry holds afterwards is asked with a
client of the tests' own (``fresh_tags``).
"""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.visual import VisualType
from textual.widgets import Static

from tui.config import Config, config_path, load_config
from tui.registry.client import RegistryClient
from tui.registry.errors import NotFound
from tui.ui.app import TagyardApp, build_app
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.details import ImageDetails

AnyScreen = TypeVar("AnyScreen", bound=Screen[Any])
# The tags of two repositories of the bundled demo, in the table's order.
API_TAGS = ["1.3.0", "1.4.1", "1.4.2", "latest", "pr-118", "sha-3f9c2a1"]
WEB_TAGS = ["2.0.3", "2.1", "2.1.0", "latest"]


def write_config(text: str) -> Path:
    """Write the configuration file that ``open_app`` reads by default."""
    path = config_path()
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def open_app(
    target: str | None = None,
    config: Config | None = None,
    *,
    read_only: bool = False,
    now: datetime | None = None,
) -> TagyardApp:
    """The app for ``tagyard TARGET``, not yet running.

    Without ``config`` it reads the configuration file, which the autouse
    ``private_state`` fixture keeps per test (empty unless the test writes it);
    ``now`` fixes the app's clock.
    """
    if config is None:
        config = load_config()
    app = build_app(
        target=target, demo=False, insecure=False, config=config, read_only=read_only
    )
    if now is not None:
        app.now = lambda: now
    return app


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 15
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def wait_for_screen(
    pilot: Pilot[Any], kind: type[AnyScreen], what: str
) -> AnyScreen:
    """Let the app run until a ``kind`` screen is on top; return that screen."""
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), what)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def confirm(pilot: Pilot[Any], *keys: str) -> str:
    """Press ``keys``, then yes in the confirmation they open; return what it said."""
    await pilot.press(*keys)
    modal = await wait_for_screen(pilot, ConfirmScreen, "a modal")
    await pilot.press("y")
    return modal.body


def browser(app: App[Any]) -> BrowserScreen:
    """The browser screen: the one just above the app's default screen."""
    screen = app.screen_stack[1]
    assert isinstance(screen, BrowserScreen)
    return screen


def tag_names(app: App[Any]) -> list[str]:
    """The tags in the browser's table, top to bottom."""
    return [entry.tag for entry in browser(app).tags.entries]


def static_text(node: DOMNode, selector: str) -> str:
    """What the ``Static`` matched by ``selector`` below ``node`` holds, as text."""
    return str(node.query_one(selector, Static).content)


def plain(renderable: VisualType, width: int = 120) -> str:
    """A Rich renderable (or what a ``Static`` holds) as text, ``width`` wide."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def details_text(app: App[Any]) -> str:
    """The browser's details pane as plain text."""
    details = browser(app).query_one("#details", ImageDetails)
    return plain(details.content.content)


@dataclass(frozen=True)
class Note:
    """One notification the app showed."""

    message: str
    title: str
    severity: str


def record_notes(app: TagyardApp) -> list[Note]:
    """Every notification from now on, in order; the app still shows them."""
    notes: list[Note] = []
    original = app.notify

    def notify(
        message: str, *, title: str = "", severity: Any = "information", **options: Any
    ) -> None:
        notes.append(Note(message, title, severity))
        original(message, title=title, severity=severity, **options)

    app.notify = notify  # type: ignore[method-assign]
    return notes


async def fresh_tags(host: str, repository: str) -> list[str]:
    """The tags the registry holds now, asked with a client of our own."""
    client = RegistryClient(host)
    try:
        return sorted(await client.tags(repository))
    except NotFound:
        return []
    finally:
        await client.aclose()


def closed_port() -> int:
    """A local TCP port that was free a moment ago: nothing listens on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
