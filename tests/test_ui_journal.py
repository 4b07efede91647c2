"""The delete journal screen and read-only mode, driven by Pilot.

Deletes are made in the browser (or with ``tagyard rm``) against a registry
of the test's own; undo and read-only mode are checked by asking that registry
with a client of the test's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import SeededRegistry
from textual.pilot import Pilot

from tui.cli.main import main
from tui.config import Config
from tui.registry.client import RegistryClient
from tui.registry.errors import NotFound
from tui.ui.app import TagyardApp, build_app
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.expiring import ExpiryConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.journal import JournalScreen
from tui.ui.screens.lifecycle import LifecycleScreen
from tui.ui.writes import WRITING_BINDINGS

SIZE = (150, 45)


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the delete journal, config and docker credentials per test."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("TAGYARD_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))


def open_app(target: str, tmp_path: Path, **options: Any) -> TagyardApp:
    config = Config(tmp_path / "config.toml", {})
    return build_app(
        target=target, demo=False, insecure=False, config=config, **options
    )


def record_notes(app: TagyardApp) -> list[tuple[str, str]]:
    """``(title, message)`` of every notification from now on, in order."""
    notes: list[tuple[str, str]] = []
    original = app.notify

    def notify(message: str, *, title: str = "", **options: Any) -> None:
        notes.append((title, message))
        original(message, title=title, **options)

    app.notify = notify  # type: ignore[method-assign]
    return notes


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 15
) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def fresh_tags(host: str, repository: str) -> list[str]:
    """The tags the registry holds now, asked with a client of our own."""
    client = RegistryClient(host)
    try:
        return sorted(await client.tags(repository))
    except NotFound:
        return []
    finally:
        await client.aclose()


def browser(app: TagyardApp) -> BrowserScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, BrowserScreen)
    return screen


def tag_names(app: TagyardApp) -> list[str]:
    return [entry.tag for entry in browser(app).tags.entries]


def selected_state(journal: JournalScreen) -> str:
    entry = journal.table.current
    return entry.state if entry is not None else ""


async def open_journal(pilot: Pilot[Any]) -> JournalScreen:
    await pilot.press("J")
    await until(pilot, lambda: isinstance(pilot.app.screen, JournalScreen), "journal")
    screen = pilot.app.screen
    assert isinstance(screen, JournalScreen)
    return screen


@pytest.mark.registry
async def test_a_tag_deleted_in_the_browser_comes_back_with_undo(
    seeded_fresh_registry: SeededRegistry, tmp_path: Path
) -> None:
    host = seeded_fresh_registry.host
    app = open_app(f"{host}/small/app:2.0", tmp_path)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(tag_names(app)) == 3, "the tags")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "a modal")
        await pilot.press("y")
        await until(pilot, lambda: tag_names(app) == ["1.0", "latest"], "the delete")

        journal = await open_journal(pilot)
        entry = journal.table.current
        assert entry is not None and entry.tags == ("2.0",) and entry.state == "done"
        assert str(journal.table.get_row(entry.id)[5]) == "done"
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "a modal")
        assert "under the tag(s) 2.0" in app.screen.body  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: selected_state(journal) == "undone", "the undo")

        await pilot.press("escape")
        await until(pilot, lambda: tag_names(app) == ["1.0", "2.0", "latest"], "reload")
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]
    assert notes[-1][1].startswith("Restored small/app@sha256:")


@pytest.mark.registry
async def test_undo_names_the_blobs_the_registry_no_longer_has(
    seeded_fresh_registry: SeededRegistry, tmp_path: Path
) -> None:
    host, url = seeded_fresh_registry.host, seeded_fresh_registry.url
    digest = seeded_fresh_registry.seed.tag("small/app", "1.0").digest
    with httpx.Client(base_url=url) as client:
        accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
        manifest = client.get(f"/v2/small/app/manifests/{digest}", headers=accept)
        layer = manifest.json()["layers"][-1]["digest"]
    app = open_app(f"{host}/small/app:1.0", tmp_path)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(tag_names(app)) == 3, "the tags")
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "a modal")
        await pilot.press("y")
        await until(pilot, lambda: tag_names(app) == ["2.0", "latest"], "the delete")
        # What garbage collection would do to a blob only the deleted image used.
        assert httpx.delete(f"{url}/v2/small/app/blobs/{layer}").status_code == 202

        await open_journal(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "a modal")
        await pilot.press("y")
        await until(pilot, lambda: notes[-1][0] == "Cannot undo", "the refusal")
    assert layer in notes[-1][1]
    assert await fresh_tags(host, "small/app") == ["2.0", "latest"]


@pytest.mark.registry
async def test_read_only_mode_offers_no_key_that_writes(
    seeded_fresh_registry: SeededRegistry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = seeded_fresh_registry.host
    # A journal entry to try undo on, made the way a script would.
    code = await asyncio.to_thread(main, ["rm", f"{host}/small/multi:v1", "--yes"])
    assert code == 0, capsys.readouterr().err
    app = open_app(f"{host}/small/app:2.0", tmp_path, read_only=True)

    def keys() -> dict[str, str]:
        bindings = app.screen.active_bindings.values()
        return {b.binding.key: b.binding.id or "" for b in bindings}

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(tag_names(app)) == 3, "the tags")
        shown = keys()
        footer = app.screen.query_one("Footer")
        footer_keys = {k.key for k in footer.query("FooterKey")}  # type: ignore[attr-defined]
        await pilot.press("d", "D")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BrowserScreen)

        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, LifecycleScreen), "the pane")
        lifecycle = app.screen
        assert isinstance(lifecycle, LifecycleScreen)
        await until(pilot, lambda: lifecycle.policy is not None, "the evaluation")
        lifecycle.decisions.focus()
        await pilot.pause()
        in_lifecycle = keys()
        await pilot.press("A")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ExpiryConfirmScreen)

        journal = await open_journal(pilot)
        assert journal.table.current is not None
        in_journal = keys()
        await pilot.press("u")
        await pilot.pause(0.1)
        assert app.screen is journal

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        help_ids = {
            getattr(binding, "id", None)
            for _, bindings in app.screen.sections  # type: ignore[attr-defined]
            for binding in bindings
        }

    for ids in (shown, in_lifecycle, in_journal):
        assert not WRITING_BINDINGS & set(ids.values())
    assert "d" not in shown and "D" not in shown and "L" in shown
    assert not {"d", "D"} & footer_keys and "L" in footer_keys
    assert "A" not in in_lifecycle and "o" in in_lifecycle
    assert "u" not in in_journal
    assert not WRITING_BINDINGS & help_ids and "lifecycle.open" in help_ids
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]
    assert await fresh_tags(host, "small/multi") == ["latest"]


@pytest.mark.registry
async def test_undo_reaches_a_registry_the_app_was_not_opened_on(
    seeded_fresh_registry: SeededRegistry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = seeded_fresh_registry.host
    code = await asyncio.to_thread(main, ["rm", f"{host}/small/app:1.0", "--yes"])
    assert code == 0, capsys.readouterr().err
    assert await fresh_tags(host, "small/app") == ["2.0", "latest"]
    app = build_app(
        target=None,
        demo=False,
        insecure=False,
        config=Config(tmp_path / "config.toml", {}),
    )
    assert app.sources.items == []
    async with app.run_test(size=SIZE) as pilot:
        journal = await open_journal(pilot)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "a modal")
        await pilot.press("y")
        await until(pilot, lambda: selected_state(journal) == "undone", "the undo")
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]
