"""Finding, ordering, marking and bulk-acting on tags in the UI, driven by Pilot.

The large cases run against a repository of 2,000 tags that this module
pushes once to a registry of its own: one image, then the same manifest bytes
PUT under every tag name. ``team/many`` (130 tags over 13 days) of the
session registry covers dates; deletes get a small registry of their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pyperclip
import pytest
from conftest import SeededRegistry, _running
from registry_server import RegistryServer
from seed import Pusher, _image
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import Worker, WorkerState
from uihelpers import (
    browser,
    fresh_tags,
    open_app,
    record_notes,
    tag_names,
    until,
    wait_for_screen,
)

from tui.registry.client import RegistryClient
from tui.registry.images import Inspector
from tui.ui.app import TagyardApp
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.bulk import BulkConfirmScreen, ProgressScreen
from tui.ui.screens.loading import TagsLoaded, TagsProgressed
from tui.ui.widgets.filterbar import FilterBar
from tui.ui.widgets.repositories import RepositoryList

SIZE = (140, 40)
BIG = "big/tags"
SMALL = "big/small"
BIG_TAGS = [f"v1.{n}" for n in range(2000)]
# Seconds to wait for work on 2,000 tags: loading them, filtering them.
LONG = 30


def put_tags(url: str, repository: str, tags: list[str], day: int = 1) -> str:
    """Push one image under ``tags`` quickly; returns its digest.

    The image goes up once; every further tag is a PUT of the same manifest
    bytes, a few at a time (the registry writes each tag to disk).
    """
    image = _image(f"2024-05-{day:02d}T00:00:00Z")
    headers = {"Content-Type": image.media_type}
    with httpx.Client(base_url=url, timeout=30.0) as client:
        Pusher(client).push_manifest(repository, image, tags[:1])

        def put(tag: str) -> None:
            path = f"/v2/{repository}/manifests/{tag}"
            response = client.put(path, content=image.raw, headers=headers)
            assert response.status_code == 201, response.text

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(put, tags[1:]))
    return image.digest


@pytest.fixture(scope="module")
def big_registry() -> Iterator[RegistryServer]:
    """A registry of this module with 2,000 tags in ``big/tags``; read-only."""
    with _running() as server:
        put_tags(server.url, BIG, BIG_TAGS)
        put_tags(server.url, SMALL, ["one", "two"], day=2)
        yield server


def subtitle(app: TagyardApp) -> str:
    return str(browser(app).pane("tags").border_subtitle)


def title(app: TagyardApp) -> str:
    return str(browser(app).pane("tags").border_title)


async def loaded(pilot: Pilot[Any], repository: str, count: int) -> BrowserScreen:
    """Wait until ``count`` tags of ``repository`` are listed and resolved."""
    screen = browser(pilot.app)
    await until(
        pilot,
        lambda: (
            screen.repository == repository
            and len(screen.tags.view.entries) == count
            and not screen.pane("tags").spinner.display
        ),
        f"{count} tags of {repository}",
        timeout=LONG,
    )
    return screen


async def type_filter(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("slash")
    await until(pilot, lambda: isinstance(pilot.app.focused, Input), "the filter")
    await press(pilot, *text)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys``, then wait until the filter has caught up with the typing."""
    await pilot.press(*keys)
    bars = pilot.app.screen.query(FilterBar)
    await until(pilot, lambda: not any(bar.pending for bar in bars), "the filter", LONG)
    # The pane's counts follow in a message of their own.
    await pilot.pause()


# Finding and ordering ------------------------------------------------------------


@pytest.mark.registry
async def test_find_one_tag_among_2000_in_natural_order(
    big_registry: RegistryServer,
) -> None:
    app = open_app(f"{big_registry.host}/{BIG}")
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, BIG, 2000)
        assert tag_names(app)[8:12] == ["v1.8", "v1.9", "v1.10", "v1.11"]
        assert tag_names(app)[-1] == "v1.1999"
        assert title(app) == f"tags of {BIG} · by name"

        await type_filter(pilot, "V1.1234")
        assert tag_names(app) == ["v1.1234"]
        assert subtitle(app).startswith("1 of 2,000 tags")
        assert [str(cell) for cell in screen.tags.get_row_at(0)][2] == "v1.1234"

        await pilot.press("enter")
        assert app.focused is screen.tags
        current = screen.tags.current
        assert current is not None and current.tag == "v1.1234"
        assert screen.query(FilterBar)

        # Escape in the bar drops the filter and closes it.
        await pilot.press("slash")
        await pilot.press("escape")
        assert len(tag_names(app)) == 2000
        assert not screen.query(FilterBar)
        assert app.focused is screen.tags
        assert subtitle(app).startswith("2,000 tags")


@pytest.mark.registry
async def test_sort_by_created_size_and_name_and_reverse(
    registry: SeededRegistry,
) -> None:
    app = open_app(f"{registry.host}/team/many")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, "team/many", 130)
        assert tag_names(app)[:2] == ["build-001", "build-002"]

        await pilot.press("s")
        assert title(app) == "tags of team/many · newest first"
        newest = tag_names(app)
        # Ten tags a day: the newest day first, the names in order within it.
        assert newest[:10] == [f"build-{n:03d}" for n in range(121, 131)]
        assert newest[-10:] == [f"build-{n:03d}" for n in range(1, 11)]

        await pilot.press("S")
        assert title(app) == "tags of team/many · oldest first"
        assert tag_names(app)[:10] == [f"build-{n:03d}" for n in range(1, 11)]

        await pilot.press("s")
        assert title(app) == "tags of team/many · largest first"
        sizes = [e.image.size for e in browser(app).tags.entries if e.image]
        assert sizes == sorted(sizes, reverse=True)

        await pilot.press("s", "S")
        assert title(app) == "tags of team/many · by name, reversed"
        assert tag_names(app)[0] == "build-130"


@pytest.mark.registry
async def test_regex_and_inverted_filters_and_a_broken_regex(
    registry: SeededRegistry,
) -> None:
    app = open_app(f"{registry.host}/team/many")
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, "team/many", 130)

        await type_filter(pilot, "~^build-12\\d$")
        assert tag_names(app) == [f"build-{n}" for n in range(120, 130)]
        assert subtitle(app).startswith("10 of 130 tags")

        # A broken regex is shown in the bar; the last good filter stays.
        await pilot.press("(")
        bar = screen.query_one(FilterBar)
        assert bar.error.display
        assert "not a regular expression" in str(bar.error.content)
        assert len(tag_names(app)) == 10

        await press(pilot, "ctrl+u", *"!build-1")
        assert not bar.error.display
        assert tag_names(app) == [f"build-{n:03d}" for n in range(1, 100)]

        await press(pilot, "ctrl+u", *"!re:[02468]$")
        assert tag_names(app)[:3] == ["build-001", "build-003", "build-005"]
        assert len(tag_names(app)) == 65


@pytest.mark.registry
async def test_filter_sort_and_marks_survive_a_refresh(
    registry: SeededRegistry,
) -> None:
    loads: list[TagsLoaded] = []

    def hook(message: object) -> None:
        if isinstance(message, TagsLoaded) and message not in loads:
            loads.append(message)

    app = open_app(f"{registry.host}/team/many")
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        screen = await loaded(pilot, "team/many", 130)
        await type_filter(pilot, "build-00")
        await pilot.press("enter", "space", "space", "S")
        expected = [f"build-{n:03d}" for n in range(9, 0, -1)]
        assert tag_names(app) == expected
        assert screen.tags.view.marks == {"build-001", "build-002"}

        await pilot.press("r")
        await until(pilot, lambda: len(loads) == 2, "the reload")
        await loaded(pilot, "team/many", 130)
        assert tag_names(app) == expected
        assert screen.tags.view.marks == {"build-001", "build-002"}
        assert str(screen.tags.get_cell("build-002", "mark")) == "●"
        assert str(screen.tags.get_cell("build-003", "mark")) == " "
        assert title(app) == "tags of team/many · by name, reversed"
        assert subtitle(app).startswith("9 of 130 tags")
        assert subtitle(app).endswith("2 marked")
        assert screen.query_one(FilterBar).input.value == "build-00"
        current = screen.tags.current
        assert current is not None and current.tag == "build-003"


# Marks ---------------------------------------------------------------------------


@pytest.mark.registry
async def test_range_marking_and_clearing(
    registry: SeededRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    host = registry.host
    app = open_app(f"{host}/team/many")
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, "team/many", 130)
        await pilot.press("j", "j", "space", "j", "j", "j", "v")
        marked = [entry.tag for entry in screen.tags.view.marked()]
        assert marked == [f"build-{n:03d}" for n in range(3, 8)]
        assert subtitle(app).endswith("5 marked")

        # A range reaches back up as well, from the row marked last.
        await pilot.press("k", "k", "k", "k", "k", "k", "v")
        assert len(screen.tags.view.marked()) == 7

        await pilot.press("c")
        await until(pilot, lambda: copied, "the copy")
        assert copied[0].splitlines() == [
            f"docker pull {host}/team/many:build-{n:03d}" for n in range(1, 8)
        ]

        await pilot.press("escape")
        assert screen.tags.view.marks == set()
        assert app.focused is screen.tags
        await pilot.press("escape")
        assert app.focused is screen.query_one("#repositories")


@pytest.mark.registry
async def test_five_marked_tags_go_with_one_confirmation(
    fresh_registry: RegistryServer,
) -> None:
    url, host = fresh_registry.url, fresh_registry.host
    put_tags(url, "team/app", ["a1", "a2", "a3", "a4"], day=1)
    put_tags(url, "team/app", ["b1", "b2", "b3"], day=2)
    screens: list[str] = []
    app = open_app(f"{host}/team/app")

    def hook(message: object) -> None:
        screens.extend(type(screen).__name__ for screen in app.screen_stack[-1:])

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        screen = await loaded(pilot, "team/app", 7)
        await pilot.press("space", "space", "j", "j", "space", "space", "space")
        marked = ["a1", "a2", "b1", "b2", "b3"]
        assert [e.tag for e in screen.tags.view.marked()] == marked

        await pilot.press("d")
        confirm = await wait_for_screen(pilot, BulkConfirmScreen, "a modal")
        assert confirm.title_text == "Delete 5 tags"
        for tag in marked:
            assert f"Remove the tag team/app:{tag} (" in confirm.body
        assert "These tags on the same image stay: a3, a4." in confirm.body

        await pilot.press("y")
        await until(pilot, lambda: tag_names(app) == ["a3", "a4"], "the reload")
        assert screen.tags.view.marks == set()
        repositories = screen.query_one("#repositories", RepositoryList)
        assert repositories.counts["team/app"] == 2
    assert await fresh_tags(host, "team/app") == ["a3", "a4"]
    assert "ProgressScreen" in screens


@pytest.mark.registry
async def test_marked_images_are_deleted_once_each(
    fresh_registry: RegistryServer,
) -> None:
    url, host = fresh_registry.url, fresh_registry.host
    first = put_tags(url, "team/app", ["a1", "a2"], day=1)
    put_tags(url, "team/app", ["b1", "b2"], day=2)
    put_tags(url, "team/app", ["keep"], day=3)
    app = open_app(f"{host}/team/app")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, "team/app", 5)
        await pilot.press("space", "space", "space", "D")
        confirm = await wait_for_screen(pilot, BulkConfirmScreen, "a modal")
        assert confirm.title_text == "Delete 2 images"
        assert f"Delete the image team/app@{first}." in confirm.body
        assert "It takes these tags with it: a1, a2." in confirm.body
        assert "It takes these tags with it: b1, b2." in confirm.body

        await pilot.press("y")
        await until(pilot, lambda: tag_names(app) == ["keep"], "the reload")
        assert not any(isinstance(s, ProgressScreen) for s in app.screen_stack)
    assert await fresh_tags(host, "team/app") == ["keep"]


@pytest.mark.registry
async def test_a_failing_delete_is_reported_and_the_others_still_run(
    registry_no_delete: SeededRegistry,
) -> None:
    host = registry_no_delete.host
    app = open_app(f"{host}/small/app")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, "small/app", 3)
        await pilot.press("space", "space", "d")
        await until(pilot, lambda: isinstance(app.screen, BulkConfirmScreen), "a modal")
        await pilot.press("y")
        await until(pilot, lambda: notes, "a report")
    assert notes[0].title == "2 deletes failed"
    assert notes[0].message.splitlines()[0].startswith("small/app:1.0: ")
    assert notes[0].message.splitlines()[1].startswith("small/app:2.0: ")
    assert await fresh_tags(host, "small/app") == ["1.0", "2.0", "latest"]


# Repositories --------------------------------------------------------------------


@pytest.mark.registry
async def test_repositories_fold_by_namespace_and_count_tags_once_listed(
    registry: SeededRegistry,
) -> None:
    app = open_app(f"{registry.host}/acme/multi")
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, "acme/multi", 3)
        repositories = screen.query_one("#repositories", RepositoryList)
        ids = [option.id for option in repositories.options]
        assert ids[:4] == ["acme/", "acme/multi", "acme/webapp", "bulk/"]
        # Only the repository whose tags were listed has a count.
        assert repositories.counts == {"acme/multi": 3}
        assert "multi  3" in str(repositories.get_option("acme/multi").prompt)

        await pilot.press("escape")
        assert app.focused is repositories
        await pilot.press("h")
        assert repositories.highlighted_id == "acme/"
        assert "acme/multi" not in [o.id for o in repositories.options]
        assert screen.repository == "acme/multi"

        await pilot.press("enter")
        assert "acme/multi" in [o.id for o in repositories.options]
        await pilot.press("j", "j", "j", "space")
        assert repositories.highlighted_id == "bulk/"
        ids = [option.id for option in repositories.options]
        assert ids[ids.index("bulk/") + 1] == "library/"

        # A filter shows its matches, closed namespaces included.
        await type_filter(pilot, "repo-11")
        names = [o.id for o in repositories.options]
        assert names == ["bulk/", *(f"bulk/repo-11{n}" for n in range(10))]
        pane = screen.pane("repositories")
        assert str(pane.border_subtitle) == f"10 of {len(registry.seed.repositories)}"
        await pilot.press("enter", "j")
        await until(pilot, lambda: screen.repository == "bulk/repo-110", "the repo")


# Loading -------------------------------------------------------------------------


class Gated(RegistryClient):
    """A registry that resolves the first tags of ``BIG`` and the rest only later.

    It holds a long load in the middle, so that leaving it can be seen to
    cancel it; ``gate`` lets the held requests go.
    """

    OPEN = 50

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.gate = asyncio.Event()
        self.calls = 0
        self.sent = 0

    async def resolve(self, repository: str, reference: str) -> str:
        if repository == BIG:
            self.calls += 1
            if self.calls > self.OPEN:
                await self.gate.wait()
            self.sent += 1
        return await super().resolve(repository, reference)


@pytest.mark.registry
async def test_moving_away_cancels_a_long_load(big_registry: RegistryServer) -> None:
    # The hook sees a message once for every widget it bubbles through.
    late: list[str] = []
    progress: list[int] = []
    cancelled: list[str] = []

    def hook(message: object) -> None:
        if isinstance(message, TagsLoaded):
            late.append(message.repository)
        elif isinstance(message, TagsProgressed) and message.repository == BIG:
            progress.append(message.done)
        elif (
            isinstance(message, Worker.StateChanged)
            and message.state == WorkerState.CANCELLED
        ):
            cancelled.append(message.worker.name)

    app = open_app(f"{big_registry.host}/{BIG}")
    gated = Gated(big_registry.host)
    app.sources.items[0].inspector = Inspector(gated)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        screen = browser(app)
        await until(pilot, lambda: max(progress, default=0) == Gated.OPEN, "50 tags")
        assert "resolving 50 of 2,000 tags" in str(screen.pane("tags").status.content)

        await pilot.press("escape", "k")
        await loaded(pilot, SMALL, 2)
        assert set(cancelled) == {"load_tags"}

        # Cancelled, the held requests are never sent.
        gated.gate.set()
        await pilot.pause(0.5)
        assert gated.sent == Gated.OPEN
        assert set(late) == {SMALL}
        assert tag_names(app) == ["one", "two"]
        assert screen.repository == SMALL
