"""The delete journal screen and read-only mode, driven by Pilot.

Deletes are made in the browser (or with ``tagyard rm``) against a registry
of the test's own; undo and read-only mode are checked by asking that registry
with a client of the test's own.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import SeededRegistry
from textual.pilot import Pilot
from uihelpers import (
    confirm,
    fresh_tags,
    open_app,
    record_notes,
    tag_names,
    until,
    wait_for_screen,
)

from tui.cli.main import main
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.expiring import ExpiryConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.journal import JournalScreen
from tui.ui.screens.lifecycle import LifecycleScreen
from tui.ui.writes import WRITING_BINDINGS

SIZE = (150, 45)


def selected_state(journal: JournalScreen) -> str:
    entry = journal.table.current
    return entry.state if entry is not None else ""


async def open_journal(pilot: Pilot[Any]) -> JournalScreen:
    await pilot.press("J")
    return await wait_for_screen(pilot, JournalScreen, "journal")


async def delete_in_browser(pilot: Pilot[Any], key: str, left: list[str]) -> None:
    """Once the three tags of ``small/app`` are listed, delete with ``key``.

    The confirmation is answered yes; returns once the table lists ``left``.
    """
    await until(pilot, lambda: len(tag_names(pilot.app)) == 3, "the tags")
    await confirm(pilot, key)
    await until(pilot, lambda: tag_names(pilot.app) == left, "the delete")


async def rm(reference: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Delete ``reference`` with ``tagyard rm --yes``, the way a script would."""
    # The CLI runs its own event loop, so it cannot run on this test's.
    code = await asyncio.to_thread(main, ["rm", reference, "--yes"])
    assert code == 0, capsys.readouterr().err


@pytest.mark.registry
async def test_a_tag_deleted_in_the_browser_comes_back_with_undo(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    app = open_app(f"{host}/small/app:2.0")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await delete_in_browser(pilot, "d", ["1.0", "latest"])

        journal = await open_journal(pilot)
        entry = journal.table.current
        assert entry is not None and entry.tags == ("2.0",) and entry.state == "done"
        assert str(journal.table.get_row(entry.id)[5]) == "done"
        assert "under the tag 2.0" in await confirm(pilot, "u")
        await until(pilot, lambda: selected_state(journal) == "undone", "the undo")

        await pilot.press("escape")
        await until(pilot, lambda: tag_names(app) == ["1.0", "2.0", "latest"], "reload")
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]
    assert notes[-1].message.startswith("Restored small/app@sha256:")


@pytest.mark.registry
async def test_undo_names_the_blobs_the_registry_no_longer_has(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host, url = seeded_fresh_registry.host, seeded_fresh_registry.url
    digest = seeded_fresh_registry.seed.tag("small/app", "1.0").digest
    with httpx.Client(base_url=url) as client:
        accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
        manifest = client.get(f"/v2/small/app/manifests/{digest}", headers=accept)
        layer = manifest.json()["layers"][-1]["digest"]
    app = open_app(f"{host}/small/app:1.0")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await delete_in_browser(pilot, "D", ["2.0", "latest"])
        # What garbage collection would do to a blob only the deleted image used.
        assert httpx.delete(f"{url}/v2/small/app/blobs/{layer}").status_code == 202

        await open_journal(pilot)
        await confirm(pilot, "u")
        await until(pilot, lambda: notes[-1].title == "Cannot undo", "the refusal")
    assert layer in notes[-1].message
    assert await fresh_tags(host, "small/app") == ["2.0", "latest"]


@pytest.mark.registry
async def test_read_only_mode_offers_no_key_that_writes(
    seeded_fresh_registry: SeededRegistry,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = seeded_fresh_registry.host
    # A journal entry to try undo on.
    await rm(f"{host}/small/multi:v1", capsys)
    app = open_app(f"{host}/small/app:2.0", read_only=True)

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
        lifecycle = await wait_for_screen(pilot, LifecycleScreen, "the pane")
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
        help_screen = await wait_for_screen(pilot, HelpScreen, "help")
        help_ids = {
            getattr(binding, "id", None)
            for _, bindings in help_screen.sections
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
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = seeded_fresh_registry.host
    await rm(f"{host}/small/app:1.0", capsys)
    assert await fresh_tags(host, "small/app") == ["2.0", "latest"]
    app = open_app()
    assert app.sources.items == []
    async with app.run_test(size=SIZE) as pilot:
        journal = await open_journal(pilot)
        await confirm(pilot, "u")
        await until(pilot, lambda: selected_state(journal) == "undone", "the undo")
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]
