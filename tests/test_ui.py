"""The terminal UI driven by Textual's Pilot, against a real registry and the demo.

Each test opens the app the way the ``tagyard`` command does (through
``build_app``), presses keys, and asserts on the app's state: focus, the rows
of the tags table, the confirmation on screen, what reached the clipboard, and
what the registry holds afterwards (asked with a client of its own).

``TAGYARD_SCREENSHOTS=screenshots pytest tests/test_ui.py -k screenshot``
also writes ``browse.svg`` of the demo into that directory.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import httpx
import pyperclip
import pytest
from conftest import SeededRegistry
from textual.pilot import Pilot
from uihelpers import (
    API_TAGS,
    WEB_TAGS,
    Note,
    browser,
    closed_port,
    details_text,
    fresh_tags,
    open_app,
    plain,
    record_notes,
    tag_names,
    until,
    wait_for_screen,
)

from tui import demo
from tui.config import Config, RegistrySettings
from tui.connect import parse_target
from tui.registry.errors import AccessDenied, InvalidReference
from tui.registry.images import Inspector
from tui.registry.models import TaggedImage
from tui.registry.ocilayout import LayoutRegistry
from tui.ui.app import TagyardApp, build_app
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.loading import (
    LoadFailed,
    RepositoriesLoaded,
    TagsLoaded,
    TagsProgressed,
    list_repositories,
)
from tui.ui.screens.sources import Sources
from tui.ui.widgets.details import ImageDetails
from tui.ui.widgets.lists import NameList

SIZE = (140, 40)


def focused_id(app: TagyardApp) -> str | None:
    return app.focused.id if app.focused else None


def config_with(tmp_path: Path, *hosts: str) -> Config:
    registries = {host: RegistrySettings(host) for host in hosts}
    return Config(tmp_path / "config.toml", registries)


async def open_at(pilot: Pilot[Any], repository: str, tags: list[str]) -> BrowserScreen:
    """Wait until the browser lists exactly ``tags`` of ``repository``; return it."""
    app = pilot.app
    await until(
        pilot,
        lambda: browser(app).repository == repository and tag_names(app) == tags,
        f"the tags of {repository}",
    )
    return browser(app)


# Browsing ----------------------------------------------------------------------


@pytest.mark.registry
async def test_keyboard_walk_from_registries_to_details(
    seeded_fresh_registry: SeededRegistry, tmp_path: Path
) -> None:
    host = seeded_fresh_registry.host
    seed = seeded_fresh_registry.seed
    app = open_app(None, config_with(tmp_path, host))
    async with app.run_test(size=SIZE) as pilot:
        screen = browser(app)
        assert focused_id(app) == "registries"
        assert screen.source is None

        await pilot.press("enter")
        await until(pilot, lambda: screen.repository == "small/app", "repositories")
        repositories = screen.query_one("#repositories", NameList)
        ids = [o.id for o in repositories.options]
        assert ids == ["small/", "small/app", "small/multi"]
        assert focused_id(app) == "repositories"

        await pilot.press("j")
        await open_at(pilot, "small/multi", ["latest", "v1"])
        await pilot.press("enter")
        assert focused_id(app) == "tags"

        digest = seed.tag("small/multi", "v1").digest
        assert screen.tags.groups == {digest: ["latest", "v1"]}
        assert "a = tags on the same image" in str(screen.pane("tags").border_subtitle)

        await pilot.press("j")
        current = screen.tags.current
        assert current is not None and current.tag == "v1"
        details = screen.query_one("#details", ImageDetails)
        assert details.shown is current
        await pilot.press("enter")
        assert focused_id(app) == "details"

        for expected in ("tags", "repositories", "registries", "registries"):
            await pilot.press("escape")
            assert focused_id(app) == expected
        for expected in ("repositories", "tags", "details", "registries"):
            await pilot.press("tab")
            assert focused_id(app) == expected


@pytest.mark.registry
async def test_command_line_reference_opens_at_the_tag(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    app = open_app(f"{host}/small/app:latest")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(pilot, "small/app", ["1.0", "2.0", "latest"])
        assert focused_id(app) == "tags"
        current = screen.tags.current
        assert current is not None and current.tag == "latest"
        assert screen.tags.current is not None
        row = screen.tags.get_row("latest")
        assert [str(cell) for cell in row[:4]] == [" ", "a", "latest", "= 2.0"]


@pytest.mark.registry
async def test_details_show_platforms_layers_and_config(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    seed = seeded_fresh_registry.seed
    app = open_app(f"{host}/small/multi:v1")
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/multi", ["latest", "v1"])
        text = details_text(app)
    expected = seed.tag("small/multi", "v1")
    assert "small/multi:v1" in text
    assert expected.digest in text
    assert "application/vnd.oci.image.index.v1+json" in text
    assert "latest, v1  (2 tags on this digest)" in text
    assert f"docker pull {host}/small/multi:v1" in text
    for platform in expected.platforms:
        assert platform.digest in text
    assert "linux/arm64/v8" in text
    assert "cmd" in text and "env" in text and "PATH=" in text


@pytest.mark.registry
async def test_progress_is_reported_while_tags_resolve(
    registry: SeededRegistry,
) -> None:
    progress: list[tuple[int, int]] = []

    def hook(message: object) -> None:
        if isinstance(message, TagsProgressed):
            progress.append((message.done, message.total))

    app = open_app(f"{registry.host}/team/many")
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await until(pilot, lambda: len(tag_names(app)) == 130, "130 tags")
        assert browser(app).pane("tags").status.display is False
    assert progress[-1] == (130, 130)
    assert len(progress) >= 130


@pytest.mark.registry
async def test_stale_results_do_not_overwrite_newer_ones(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    app = open_app(f"{host}/small/multi")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(pilot, "small/multi", ["latest", "v1"])
        assert screen.source is not None
        late = TagsLoaded(screen.source, "small/app", [TaggedImage("stale")])
        screen.post_message(late)
        await pilot.pause(0.1)
        assert tag_names(app) == ["latest", "v1"]


@pytest.mark.registry
async def test_a_tag_whose_image_is_broken_shows_its_error_in_its_row(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    url, host = seeded_fresh_registry.url, seeded_fresh_registry.host
    child = seeded_fresh_registry.seed.tag("small/multi", "v1").platforms[0].digest
    gone = httpx.delete(f"{url}/v2/small/multi/manifests/{child}")
    assert gone.status_code == 202
    app = open_app(f"{host}/small/multi:v1")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(pilot, "small/multi", ["latest", "v1"])
        cells = [str(cell) for cell in screen.tags.get_row("v1")]
        assert "2 unreadable" in str(screen.pane("tags").border_subtitle)
        details = details_text(app)
    assert cells[4] == "error"
    assert cells[7].startswith("index entry sha256:")
    assert f"index entry {child} is missing from small/multi" in details
    assert notes == []


# Copying -----------------------------------------------------------------------


@pytest.mark.registry
async def test_copy_falls_back_to_osc52_without_a_system_clipboard(
    seeded_fresh_registry: SeededRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no copy mechanism on this machine")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    host = seeded_fresh_registry.host
    app = open_app(f"{host}/small/app:2.0")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/app", ["1.0", "2.0", "latest"])
        await pilot.press("c", "enter")
        await until(pilot, lambda: notes, "a notification")
        assert app.clipboard == f"docker pull {host}/small/app:2.0"
    assert notes[0].title == "Copied to the terminal clipboard (OSC 52)"
    assert notes[0].message == f"docker pull {host}/small/app:2.0"


@pytest.mark.registry
async def test_copy_uses_the_system_clipboard_when_there_is_one(
    seeded_fresh_registry: SeededRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    host = seeded_fresh_registry.host
    digest = seeded_fresh_registry.seed.tag("small/app", "2.0").digest
    app = open_app(f"{host}/small/app:2.0")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/app", ["1.0", "2.0", "latest"])
        await pilot.press("C")
        await until(pilot, lambda: notes, "a notification")
        await pilot.press("c", "enter")
        await until(pilot, lambda: len(notes) == 2, "a second notification")
        assert app.clipboard == ""
    assert copied == [
        f"docker pull {host}/small/app@{digest}",
        f"docker pull {host}/small/app:2.0",
    ]
    assert notes[0].title == "Copied to the system clipboard"


# Deleting ----------------------------------------------------------------------


@pytest.mark.registry
async def test_deleting_a_shared_tag_keeps_its_sibling(
    seeded_fresh_registry: SeededRegistry, tmp_path: Path
) -> None:
    host = seeded_fresh_registry.host
    digest = seeded_fresh_registry.seed.tag("small/app", "2.0").digest
    app = open_app(f"{host}/small/app:2.0")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/app", ["1.0", "2.0", "latest"])
        await pilot.press("d")
        confirm = await wait_for_screen(pilot, ConfirmScreen, "a modal")
        assert "small/app:2.0" in confirm.body
        assert digest in confirm.body
        assert "These tags on the same image stay: latest." in confirm.body
        assert focused_id(app) == "confirm-no"

        await pilot.press("y")
        await open_at(pilot, "small/app", ["1.0", "latest"])
    assert await fresh_tags(host, "small/app") == ["1.0", "latest"]
    assert notes[-1].message.startswith("Deleted tag small/app:2.0 (")
    assert (tmp_path / "state" / "tagyard" / "journal.jsonl").is_file()


@pytest.mark.registry
async def test_deleting_an_image_names_every_tag_and_can_be_declined(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    digest = seeded_fresh_registry.seed.tag("small/multi", "v1").digest
    app = open_app(f"{host}/small/multi:v1")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/multi", ["latest", "v1"])
        await pilot.press("D")
        confirm = await wait_for_screen(pilot, ConfirmScreen, "a modal")
        assert f"Delete the image small/multi@{digest}" in confirm.body
        assert "It takes these tags with it: latest, v1." in confirm.body

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, BrowserScreen), "no modal")
        assert await fresh_tags(host, "small/multi") == ["latest", "v1"]

        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "a modal")
        await pilot.press("y")
        await until(pilot, lambda: notes, "a notification")
        await until(pilot, lambda: tag_names(app) == [], "an empty tags table")
    assert await fresh_tags(host, "small/multi") == []
    assert "(tags: latest, v1) (delete by digest)" in notes[-1].message


# Failures ----------------------------------------------------------------------


async def test_unreachable_registry_is_reported_not_fatal() -> None:
    host = f"127.0.0.1:{closed_port()}"
    app = open_app(host)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: notes, "an error notification")
        pane = browser(app).pane("repositories")
        assert pane.status.has_class("error")
        assert host in str(pane.status.content)

        # A refresh that fails the same way is not notified a second time.
        await pilot.press("r")
        await until(pilot, lambda: pane.status.has_class("error"), "the retry")
        await pilot.pause(0.3)
        await pilot.press("q")
    assert app.return_code == 0
    assert [note.severity for note in notes] == ["error"]
    assert host in notes[0].message and "could not be reached" in notes[0].message


@pytest.mark.registry
async def test_registries_are_closed_on_exit(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    app = open_app(f"{seeded_fresh_registry.host}/small/app")
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/app", ["1.0", "2.0", "latest"])
        source = browser(app).source
        assert source is not None and source.registry is not None
        await pilot.press("q")
    assert source.registry is None


@pytest.mark.registry
async def test_read_only_mode_refuses_to_delete(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    app = open_app(f"{host}/small/app:2.0", read_only=True)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "small/app", ["1.0", "2.0", "latest"])
        await pilot.press("d")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BrowserScreen)
    # The delete keys are hidden in read-only mode, so pressing one says nothing.
    assert notes == []
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]


async def test_without_a_target_or_config_it_says_what_to_do() -> None:
    app = open_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = browser(app)
        assert str(screen.pane("registries").status.content) == "none configured"
        hint = str(screen.query_one("#details", ImageDetails).content.content)
        assert "tagyard HOST[:PORT]" in hint and "tagyard --demo" in hint
        await pilot.press("enter", "d", "c", "r", "escape")
        assert app.is_running


def test_a_bad_target_fails_before_the_ui_starts() -> None:
    with pytest.raises(InvalidReference):
        open_app("Not A Host/UPPER")


# Help --------------------------------------------------------------------------


async def test_help_lists_every_binding() -> None:
    app = open_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(pilot, HelpScreen, "help")
        lines = plain(help_screen._table()).splitlines()
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen)

    def row(keys: str, description: str) -> bool:
        # Each row ends with the binding's id (or ids), if it has one.
        return any(
            line.split()[: len(keys.split() + description.split())]
            == [*keys.split(), *description.split()]
            for line in lines
        )

    for binding in [*TagyardApp.BINDINGS, *BrowserScreen.BINDINGS]:
        assert any(binding.description in line for line in lines), binding
    assert row("d", "Delete tag")
    assert row("D", "Delete image")
    assert row("C", "Copy @digest")
    assert row("↓ j", "Down")
    assert row("?", "Help")


# The demo ----------------------------------------------------------------------


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return demo.prepare_demo(tmp_path)


async def test_demo_browses_and_saves_a_screenshot(
    demo_dir: Path, tmp_path: Path
) -> None:
    publish = os.environ.get("TAGYARD_SCREENSHOTS")
    if publish:
        # The published picture shows the path a user of --demo sees.
        demo_dir = demo.prepare_demo()
    app = open_app(f"oci:{demo_dir}")
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "acme/api", API_TAGS)
        await pilot.press("j")
        await open_at(pilot, "acme/web", WEB_TAGS)
        await pilot.press("enter", "j")
        screen = browser(app)
        current = screen.tags.current
        assert current is not None and current.image is not None
        assert current.tag == "2.1" and current.image.is_index
        assert screen.tags.sharing(current) == ["2.1", "2.1.0", "latest"]
        await pilot.pause()
        saved = Path(app.save_screenshot("browse.svg", path=str(tmp_path)))
        if publish:
            app.save_screenshot("browse.svg", path=publish)
            shutil.rmtree(demo_dir)
    svg = saved.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "acme/web" in svg


async def test_demo_flag_opens_a_fresh_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare = demo.prepare_demo
    monkeypatch.setattr(demo, "prepare_demo", lambda: prepare(tmp_path))
    app = build_app(
        target=None, demo=True, insecure=False, config=config_with(tmp_path)
    )
    assert app.start is not None and app.start.layout is not None
    assert app.start.layout.parent == tmp_path
    async with app.run_test(size=SIZE) as pilot:
        await open_at(pilot, "acme/api", API_TAGS)
        assert focused_id(app) == "repositories"


async def test_demo_delete_and_copy_on_a_layout(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = open_app(f"oci:{demo_dir}/acme/worker:3.2.0")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        # One layout named on the command line is a registry of one repository.
        await open_at(pilot, "worker", ["3.1.4", "3.2.0", "stable"])
        await pilot.press("c", "enter", "d")
        confirm = await wait_for_screen(pilot, ConfirmScreen, "a modal")
        assert "These tags on the same image stay: stable." in confirm.body
        await pilot.press("y")
        await open_at(pilot, "worker", ["3.1.4", "stable"])
    assert copied == [f"oci:{demo_dir}/acme/worker:3.2.0"]
    assert await LayoutRegistry(demo_dir).tags("acme/worker") == ["3.1.4", "stable"]
    assert "(OCI layout index)" in notes[-1].message


class CatalogDenied(LayoutRegistry):
    """A registry that refuses its catalog, as many do to pull-only accounts."""

    async def repositories(self) -> list[str]:
        raise AccessDenied("catalog denied", status=403)


class TagsBroken(LayoutRegistry):
    """A backend with a bug: listing tags raises something unexpected."""

    async def tags(self, repository: str) -> list[str]:
        raise ValueError("a bug in a backend")


async def test_an_unexpected_error_is_shown_and_the_app_survives(
    demo_dir: Path,
) -> None:
    app = open_app(f"oci:{demo_dir}/acme/api")
    app.sources.items[0].inspector = Inspector(TagsBroken(demo_dir / "acme" / "api"))
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: notes, "a notification")
        assert browser(app).pane("tags").spinner.display is False
        await pilot.press("j", "r")
        await until(pilot, lambda: len(notes) == 2, "a second notification")
        assert app.is_running
    assert notes[0] == Note(
        "ValueError: a bug in a backend", "Unexpected error", "error"
    )


async def test_a_refused_catalog_still_lets_a_named_repository_open(
    demo_dir: Path, tmp_path: Path
) -> None:
    sources = Sources(config_with(tmp_path), first=parse_target(f"oci:{demo_dir}"))
    source = sources.items[0]
    source.inspector = Inspector(CatalogDenied(demo_dir))

    named = await list_repositories(sources, source, named=True)
    assert isinstance(named, RepositoriesLoaded)
    assert named.names == [] and named.note == "no catalog: catalog denied"

    unnamed = await list_repositories(sources, source)
    assert isinstance(unnamed, LoadFailed)
    assert unnamed.error == "catalog denied (HTTP 403)"
