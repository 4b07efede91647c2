"""Browsing the demo by keyboard: copy menu, palette, history, breadcrumbs, details.

Every test drives the real app with Pilot on a fresh copy of the bundled
demo (``prepare_demo``) and asserts on what the app holds or shows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyperclip
import pytest
from textual.command import CommandPalette
from uihelpers import (
    browser,
    details_text,
    open_app,
    plain,
    record_notes,
    until,
    wait_for_screen,
    write_config,
)

from tui import demo
from tui.registry.client import RegistryClient
from tui.registry.models import TaggedImage
from tui.ui.app import TagyardApp
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.clipboard import copy_choices
from tui.ui.screens.copymenu import CopyMenu
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.details import ImageDetails

SIZE = (140, 40)
# The app's clock in every test, so that ages such as "12 days ago" stay put.
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return demo.prepare_demo(tmp_path)


def at(app: TagyardApp, repository: str, tag: str | None = None) -> bool:
    screen = browser(app)
    current = screen.tags.current
    loaded = screen.repository == repository and bool(screen.tags.entries)
    return loaded and (tag is None or (current is not None and current.tag == tag))


# Copying ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1", "oci:{root}/acme/web:2.1"),
        ("2", "oci:{root}/acme/web@{digest}"),
        ("3", "oci:{root}/acme/web:2.1@{digest}"),
        ("4", "{digest}"),
    ],
)
async def test_copy_menu_items(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, key: str, expected: str
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = open_app(f"oci:{demo_dir}/acme/web:2.1", now=NOW)
    app.sources.items[0].label = "demo"
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: at(app, "web", "2.1"), "acme/web:2.1")
        entry = browser(app).tags.current
        assert entry is not None and entry.image is not None
        await pilot.press("c")
        menu = await wait_for_screen(pilot, CopyMenu, "the copy menu")
        labels = [choice.label for choice in menu.choices]
        assert labels == [
            "reference by tag",
            "reference by digest",
            "name:tag@digest",
            "digest only",
        ]
        await pilot.press(key)
        await until(pilot, lambda: copied, "a copy")
        assert isinstance(app.screen, BrowserScreen)
    root = demo_dir / "acme"
    wanted = expected.format(root=root, digest=entry.image.digest)
    assert copied == [wanted.replace(f"{root}/acme/web", f"{root}/web")]


async def test_copy_tool_and_the_notification_say_what_was_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard here")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    client = RegistryClient("registry.example.com")
    try:
        choices = copy_choices(client, "team/app", TaggedImage("1.0"), "podman")
    finally:
        await client.aclose()
    assert [c.text for c in choices] == [
        "podman pull registry.example.com/team/app:1.0"
    ]

    write_config('copy_tool = "nerdctl"\n')
    demo_dir = demo.prepare_demo(tmp_path)
    app = open_app(f"oci:{demo_dir}/acme/api:1.4.2", now=NOW)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: at(app, "api", "1.4.2"), "acme/api:1.4.2")
        await pilot.press("c", "down", "down", "down", "enter")
        await until(pilot, lambda: notes, "a notification")
        digest = browser(app).tags.current.image.digest  # type: ignore[union-attr]
        assert app.clipboard == digest
    sent = [(note.message, note.title) for note in notes]
    assert sent == [(digest, "Copied to the terminal clipboard (OSC 52)")]


# The palette, history and breadcrumbs ------------------------------------------


async def test_palette_jumps_to_a_repository_by_name(demo_dir: Path) -> None:
    app = open_app(f"oci:{demo_dir}", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: at(app, "acme/api"), "acme/api")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app), "the palette")
        await pilot.press(*"busybox")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: at(app, "tools/busybox"), "tools/busybox")
        assert app.focused is not None and app.focused.id == "tags"
        assert browser(app).sub_title.startswith(f"oci:{demo_dir} / tools/busybox / ")


async def test_palette_lists_the_screens_actions_with_their_keys(
    demo_dir: Path,
) -> None:
    app = open_app(f"oci:{demo_dir}", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: at(app, "acme/api"), "acme/api")
        from tui.ui.palette import BrowserCommands

        provider = BrowserCommands(browser(app))
        commands = {c.name: c.help for c in provider._commands()}
    assert commands["Delete tag"] == "key d"
    assert commands["Go back"] == "key [ alt+←"
    assert commands["Raw manifest"] == "key m"
    assert commands["acme/web"] == f"repository of oci:{demo_dir}"


async def test_history_goes_back_and_forward_with_the_tag(demo_dir: Path) -> None:
    app = open_app(f"oci:{demo_dir}", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = browser(app)
        await until(pilot, lambda: at(app, "acme/api"), "acme/api")
        # Scrolling the list is not a visit; entering the tags is where we were.
        await pilot.press("j")
        await until(pilot, lambda: at(app, "acme/web"), "acme/web")
        await pilot.press("enter", "j", "j")
        await until(pilot, lambda: at(app, "acme/web", "2.1.0"), "2.1.0")
        assert screen.sub_title == f"oci:{demo_dir} / acme/web / 2.1.0"

        screen.navigator.jump("base/debian")
        await until(pilot, lambda: at(app, "base/debian"), "base/debian")
        screen.navigator.jump("acme/worker")
        await until(pilot, lambda: at(app, "acme/worker"), "acme/worker")
        await pilot.press("j")

        await pilot.press("left_square_bracket")
        await until(pilot, lambda: at(app, "base/debian"), "back to base/debian")
        await pilot.press("alt+left")
        await until(pilot, lambda: at(app, "acme/web", "2.1.0"), "back to 2.1.0")
        assert screen.sub_title == f"oci:{demo_dir} / acme/web / 2.1.0"
        await pilot.press("left_square_bracket")
        assert screen.navigator.history.index == 0
        assert at(app, "acme/web", "2.1.0")

        await pilot.press("right_square_bracket", "right_square_bracket")
        await until(pilot, lambda: at(app, "acme/worker", "3.2.0"), "forward again")
        worker_list = screen.query_one("#repositories")
        assert worker_list.highlighted_option.id == "acme/worker"  # type: ignore[attr-defined]
        assert [str(e.repository) for e in screen.navigator.history.entries] == [
            "acme/web",
            "base/debian",
            "acme/worker",
        ]


# Keys from the configuration -----------------------------------------------------


async def test_remapped_keys_work_and_show_in_help(demo_dir: Path) -> None:
    write_config('[keys]\n"details.raw" = "M"\n"app.help" = "f1"\n')
    app = open_app(f"oci:{demo_dir}/acme/web:latest", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: at(app, "web", "latest"), "acme/web:latest")
        details = browser(app).query_one("#details", ImageDetails)
        await pilot.press("m")
        assert details.raw is False
        await pilot.press("M")
        assert details.raw is True
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        help_screen = await wait_for_screen(pilot, HelpScreen, "help")
        lines = plain(help_screen._table()).splitlines()
    assert any(
        line.split() == ["M", "Raw", "manifest", "details.raw"] for line in lines
    )
    assert any(line.split() == ["f1", "Help", "app.help"] for line in lines)


async def test_a_theme_from_the_configuration_is_applied(demo_dir: Path) -> None:
    write_config('theme = "nord"\n')
    app = open_app(f"oci:{demo_dir}", now=NOW)
    async with app.run_test(size=SIZE):
        assert app.theme == "nord"


# Details ----------------------------------------------------------------------


async def test_raw_manifest_and_platform_picker_on_an_index(demo_dir: Path) -> None:
    app = open_app(f"oci:{demo_dir}/acme/web:latest", now=NOW)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: at(app, "web", "latest"), "acme/web:latest")
        details = browser(app).query_one("#details", ImageDetails)
        entry = details.shown
        assert entry is not None and entry.image is not None
        amd64, arm64 = entry.image.platforms
        text = details_text(app)
        assert "linux/amd64  (platform 1 of 2; p: next)" in text
        assert "exposed ports  80/tcp" in text
        assert "ADD nginx-1.27.3.tar / # buildkit" in text
        assert "created   2026-11-20 14:03 (12 days ago)" in text

        await pilot.press("p")
        text = details_text(app)
        assert "linux/arm64/v8  (platform 2 of 2; p: next)" in text
        assert arm64.manifest is not None
        assert arm64.manifest.layers[0].digest[:19] in text

        await pilot.press("m")
        raw = details_text(app)
        index = json.loads(entry.image.manifest.raw)
        assert f"manifest {entry.image.digest}" in raw
        assert f'"digest": "{index["manifests"][0]["digest"]}"' in raw
        assert f"linux/arm64/v8 manifest {arm64.digest}" in raw

        await pilot.press("p", "m")
        assert "linux/amd64  (platform 1 of 2; p: next)" in details_text(app)
        await pilot.press("up")
        assert details.shown is not None and details.shown.tag == "2.1.0"
        assert details.raw is False and details.picked == 0
    assert amd64.config is not None
