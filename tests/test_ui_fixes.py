"""What a first run of the UI at 150x45 found wrong, each held by a Pilot test.

A registry that goes down mid-session, the journal after an undo, the help
screen's completeness, escape in the lifecycle pane, columns that must fit
at 150 columns, the copy menu's one-line entries, the footer, refresh keeping
the cursor, read-only mode in the header, plurals, the tags table's ``≡``
column, counts under a filter, the evaluate-at dialog and the demo's copy.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import SeededRegistry
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Footer, OptionList
from textual.widgets._footer import FooterKey
from uihelpers import (
    browser,
    open_app,
    plain,
    record_notes,
    tag_names,
    until,
    wait_for_screen,
)

from tui import demo
from tui.cli.main import main
from tui.config import Config
from tui.ui.app import TagyardApp, run_app
from tui.ui.listing import Filter
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.copymenu import CopyMenu, OneLine
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.journal import JournalScreen
from tui.ui.screens.lifecycle import LifecycleScreen
from tui.ui.screens.moment import NOT_A_TIME
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.registries import RegistryList
from tui.ui.words import middle_ellipsis, plural, short_age, short_created

SIZE = (150, 45)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return demo.prepare_demo(tmp_path)


def demo_app(root: Path, reference: str = "", **options: Any) -> TagyardApp:
    config = Config(root.parent / "config.toml")
    return open_app(f"oci:{root}{reference}", config, now=NOW, **options)


async def shown(pilot: Pilot[Any], repository: str) -> BrowserScreen:
    screen = browser(pilot.app)
    await until(
        pilot,
        lambda: screen.repository == repository and bool(screen.tags.entries),
        f"the tags of {repository}",
    )
    return screen


def registry_state(app: TagyardApp, label: str) -> str:
    states = browser(app).query_one("#registries", RegistryList).states
    return states[label].word if label in states else ""


# 1, 7, 9: a registry that goes down and comes back ------------------------------


@pytest.mark.registry
async def test_a_registry_that_goes_down_turns_red_says_so_once_and_recovers(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    server, host = seeded_fresh_registry.server, seeded_fresh_registry.host
    app = open_app(f"{host}/small/app")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, "small/app")
        await until(pilot, lambda: registry_state(app, host) == "reachable", "green")
        screen.focus_pane("repositories")
        await pilot.press("j")
        await shown(pilot, "small/multi")

        server.stop()
        for key in ("k", "j", "k", "j"):
            await pilot.press(key)
            await pilot.pause(0.4)
        tags_status = str(screen.pane("tags").status.content)
        registries_status = str(screen.pane("registries").status.content)
        assert registry_state(app, host) == "unreachable"
        # The whole error once, in the pane that failed; the URL on its own line.
        assert f"\nhttp://{host}/v2/small/multi/tags/list\n" in tags_status
        assert registries_status == "unreachable"
        assert not screen.pane("repositories").status.display
        assert len([note for note in notes if note.severity == "error"]) == 1

        # A refresh that fails clears the repositories but not the one wanted.
        await pilot.press("r")
        await until(pilot, lambda: screen.repository is None, "the failed refresh")
        await pilot.pause(0.3)
        server.start()
        await pilot.press("r")
        await shown(pilot, "small/multi")
        await until(pilot, lambda: registry_state(app, host) == "reachable", "green")
        repositories = screen.query_one("#repositories", OptionList)
        assert repositories.highlighted_option is not None
        assert repositories.highlighted_option.id == "small/multi"
    assert len([note for note in notes if note.severity == "error"]) == 1


# 2: the journal ----------------------------------------------------------------


@pytest.mark.registry
async def test_an_undone_delete_is_not_offered_again_and_columns_keep_widths(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    host = seeded_fresh_registry.host
    # The CLI runs its own event loop, so it cannot run on this test's.
    assert await asyncio.to_thread(main, ["rm", f"{host}/small/app:2.0", "--yes"]) == 0
    assert await asyncio.to_thread(main, ["undo", "--last"]) == 0
    app = open_app(f"{host}/small/app")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, "small/app")
        await pilot.press("J")
        journal = await wait_for_screen(pilot, JournalScreen, "the journal")
        entry = journal.table.current
        assert entry is not None and entry.state == "undone"

        await pilot.press("u")
        await pilot.pause(0.2)
        assert app.screen is journal and not isinstance(app.screen, ConfirmScreen)
        assert notes[-1].title == "Nothing to undo"
        assert "undone already" in notes[-1].message

        # Filled again (as after an undo), the columns are as wide as their
        # cells at once, not only once the table has measured itself.
        journal.action_reload()
        where = f"{host}/small/app"
        assert (
            journal.table.columns["repository"].get_render_width(journal.table)
            == len(where) + 2 * journal.table.cell_padding
        )


# 3: help ---------------------------------------------------------------------


async def test_help_lists_every_key_with_its_id(demo_dir: Path) -> None:
    app = demo_app(demo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(pilot, HelpScreen, "help")
        text = plain(help_screen._table(), width=100)
    lines = [line.split() for line in text.splitlines()]

    def has(*words: str) -> bool:
        return list(words) in lines

    assert has("^p", "Command", "palette:", "every", "action", "here,", "by", "name")
    assert has("a", "Add", "registry", "registry.add")
    assert has("e", "Edit", "registry", "registry.edit")
    assert has("x", "del", "Remove", "registry", "registry.remove")
    for n in range(1, 5):
        assert has(str(n), "Copy", "item", str(n), f"copy.item{n}")
    assert has("home", "^home", "First", "tag", "tags.first")
    assert has("d", "Delete", "tag", "tag.delete")
    # Space and escape mean one thing per section, each in a section of its own.
    sections = text.split("\n\n")
    repositories = next(s for s in sections if s.startswith("Repositories pane"))
    tags = next(s for s in sections if s.startswith("Tags table"))
    assert "Open/close namespace" in repositories and "Mark" not in repositories
    assert "space" in tags and "namespace" not in tags


async def test_home_and_end_move_to_the_first_and_last_tag(demo_dir: Path) -> None:
    app = demo_app(demo_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, "acme/api")
        screen.focus_pane("tags")
        await pilot.press("end")
        assert screen.tags.cursor_row == len(screen.tags.entries) - 1
        await pilot.press("home")
        assert screen.tags.cursor_row == 0


# 4, 14: the lifecycle pane --------------------------------------------------------


async def test_escape_goes_to_the_editor_before_closing_and_the_policy_stays(
    demo_dir: Path,
) -> None:
    app = demo_app(demo_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, "acme/api")
        await pilot.press("L")
        lifecycle = await wait_for_screen(pilot, LifecycleScreen, "the lifecycle pane")
        lifecycle.editor.load_text('{"rules": []}')
        lifecycle.decisions.focus()
        await pilot.press("j")

        await pilot.press("escape")
        assert app.screen is lifecycle and app.focused is lifecycle.editor
        await pilot.press("escape")
        assert app.screen is screen

        await pilot.press("L")
        again = await wait_for_screen(pilot, LifecycleScreen, "the pane again")
        assert again.editor.text == '{"rules": []}'
        # From the editor: escape goes to the images, a second one closes.
        await pilot.press("escape")
        assert app.focused is again.decisions
        await pilot.press("escape")
        assert app.screen is screen


async def test_a_wrong_time_keeps_the_dialog_open_with_the_reason(
    demo_dir: Path,
) -> None:
    app = demo_app(demo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, "acme/api")
        await pilot.press("L")
        lifecycle = await wait_for_screen(pilot, LifecycleScreen, "the lifecycle pane")
        lifecycle.decisions.focus()
        await pilot.press("t")
        prompt = await wait_for_screen(pilot, PromptScreen, "the time prompt")
        await pilot.press(*"tomorrow", "enter")
        assert app.screen is prompt
        error = str(prompt.query_one("#prompt-error").render())
        assert error == NOT_A_TIME and "--at" not in error

        await pilot.press(*["backspace"] * len("tomorrow"), *"2026-12-10", "enter")
        await until(pilot, lambda: app.screen is lifecycle, "the dialog closing")
    assert lifecycle.at == datetime(2026, 12, 10, tzinfo=UTC)


# 5, 8: what fits at 150 columns ---------------------------------------------------


@pytest.mark.registry
@pytest.mark.parametrize(
    "repository", ["library/alpine", "acme/webapp", "team/many", "acme/multi"]
)
async def test_the_tags_table_fits_at_150_columns(
    registry: SeededRegistry, repository: str
) -> None:
    app = open_app(f"{registry.host}/{repository}")
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, repository)
        await pilot.pause(0.2)
        assert screen.tags.max_scroll_x == 0


@pytest.mark.registry
async def test_the_images_table_and_the_footer_fit_at_150_columns(
    registry: SeededRegistry,
) -> None:
    app = open_app(f"{registry.host}/acme/multi")
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, "acme/multi")
        for pane in ("tags", "registries", "repositories"):
            screen.focus_pane(pane)
            await pilot.pause(0.3)
            footer = screen.query_one(Footer)
            keys = {key.key: key for key in footer.query(FooterKey)}
            for key in ("d", "D", "L", "question_mark"):
                assert key in keys and keys[key].region.right <= SIZE[0], (pane, key)

        await pilot.press("L")
        lifecycle = await wait_for_screen(pilot, LifecycleScreen, "the lifecycle pane")
        await until(pilot, lambda: bool(lifecycle.decisions.decisions), "the images")
        await pilot.pause(0.2)
        table = lifecycle.decisions
        assert table.max_scroll_x == 0
        assert table.columns["why"].width >= 20


async def test_the_created_column_is_short() -> None:
    created = datetime(2026, 11, 18, 10, 21, tzinfo=UTC)
    assert short_created(created, NOW) == "2026-11-18 (15d ago)"
    assert short_age(timedelta(minutes=5)) == "5m ago"
    assert short_age(timedelta(days=400)) == "13mo ago"
    assert short_age(-timedelta(days=3)) == "in 3d"


# 6: the copy menu -----------------------------------------------------------------


def test_a_long_text_loses_its_middle() -> None:
    digest = "sha256:" + "0123456789abcdef" * 4
    cut = middle_ellipsis(digest, 21)
    assert len(cut) == 21 and cut.startswith("sha256:012") and cut.endswith("cdef")
    line = plain(OneLine(Text("2  pull by digest  "), f"docker pull x@{digest}"), 60)
    assert line.splitlines() == [line.splitlines()[0]] and "…" in line


async def test_each_copy_menu_entry_is_one_line(demo_dir: Path) -> None:
    app = demo_app(demo_dir)
    async with app.run_test(size=(90, 40)) as pilot:
        screen = await shown(pilot, "acme/api")
        screen.focus_pane("tags")
        await pilot.press("c")
        menu = await wait_for_screen(pilot, CopyMenu, "the copy menu")
        await pilot.pause(0.1)
        choices = menu.query_one("#copy-choices", OptionList)
        assert choices.size.height == len(menu.choices)


# 10, 11, 12, 13: header, plurals, the ≡ column, counts ------------------------------


async def test_read_only_shows_in_the_header(demo_dir: Path) -> None:
    app = demo_app(demo_dir, read_only=True)
    async with app.run_test(size=SIZE):
        assert "read-only" in app.title


def test_counts_are_plural_only_when_more_than_one() -> None:
    assert plural(1, "layer") == "1 layer"
    assert plural(3, "image") == "3 images"
    assert plural(1_200, "tag") == "1,200 tags"


async def test_shared_digests_are_explained_and_counts_follow_the_filter(
    demo_dir: Path,
) -> None:
    app = demo_app(demo_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, "acme/api")
        tags = screen.tags
        assert str(tags.columns["marker"].label) == "≡"
        subtitle = str(screen.pane("tags").border_subtitle)
        assert subtitle == "6 tags, 5 images, a = tags on the same image"

        tags.apply_filter(Filter.parse("~^(1.4.2|latest)$"))
        await pilot.pause(0.1)
        assert tag_names(app) == ["1.4.2", "latest"]
        subtitle = str(screen.pane("tags").border_subtitle)
        assert subtitle == "2 of 6 tags, 1 image, a = tags on the same image"

        tags.apply_filter(Filter.parse("pr-"))
        await pilot.pause(0.1)
        assert str(screen.pane("tags").border_subtitle) == "1 of 6 tags, 1 image"


# 15: the demo's copy --------------------------------------------------------------


def test_the_demo_copy_is_removed_when_the_app_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(TagyardApp, "run", lambda self, **options: None)
    config = Config(tmp_path / "config.toml")
    assert run_app(target=None, demo=True, insecure=False, config=config) == 0
    assert not list(tmp_path.glob("tagyard-demo-*"))
