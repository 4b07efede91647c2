"""The browser's tags table shows what the lifecycle pane's policy does to each tag.

``team/app`` of ``policy_data.py`` is pushed to a registry of the test's own;
a policy set in the lifecycle pane (evaluated at ``AT``) must show in the
tags table, tag by tag, as the pane decided, and go away with the policy.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from policy_data import AT, POLICY, push_images
from registry_server import RegistryServer
from textual import events
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input
from uihelpers import browser, details_text, open_app, until, wait_for_screen

from tui.policy import ActionType
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.lifecycle import LifecycleScreen
from tui.ui.screens.loading import TagsLoaded
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.policy_editor import SETTLE_SECONDS

SIZE = (150, 45)


async def open_pane(pilot: Pilot[Any], repository: str) -> LifecycleScreen:
    """Wait for the tags of ``repository``, press L, wait for its images."""
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, BrowserScreen)
            and app.screen.repository == repository
            and bool(app.screen.tags.entries)
        ),
        f"the tags of {repository}",
    )
    await pilot.press("L")
    screen = await wait_for_screen(pilot, LifecycleScreen, "the lifecycle pane")
    await until(pilot, lambda: screen.snapshot is not None, "the images")
    return screen


async def set_policy(pilot: Pilot[Any], screen: LifecycleScreen, text: str) -> None:
    """Paste ``text`` over the editor's and wait until it is evaluated."""
    screen.editor.focus()
    screen.editor.select_all()
    pilot.app.post_message(events.Paste(text))
    await until(pilot, lambda: screen.editor.text == text, "the pasted policy")
    await pilot.pause(SETTLE_SECONDS + 0.2)


async def close_pane(pilot: Pilot[Any]) -> BrowserScreen:
    await pilot.press("escape", "escape")
    return await wait_for_screen(pilot, BrowserScreen, "the browser")


def policy_cells(screen: BrowserScreen) -> dict[str, str]:
    table = screen.tags
    return {str(key.value): str(table.get_cell(key, "policy")) for key in table.rows}


@pytest.mark.registry
async def test_the_tags_table_shows_the_panes_verdicts_until_the_policy_goes(
    fresh_registry: RegistryServer,
) -> None:
    push_images(fresh_registry.url)
    app = open_app(f"{fresh_registry.host}/team/app")
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot, "team/app")
        # Without a policy of the user's, the example's verdicts stay in the pane.
        await close_pane(pilot)
        assert "policy" not in browser(app).tags.columns

        pane = await open_pane(pilot, "team/app")
        await set_policy(pilot, pane, json.dumps(POLICY, indent=2))
        pane.decisions.focus()
        await pilot.press("t")
        prompt = await wait_for_screen(pilot, PromptScreen, "the time prompt")
        prompt.query_one(Input).value = AT
        await pilot.press("enter")
        await until(pilot, lambda: pane.at is not None, "the new instant")
        expected = {}
        for decision in pane.decisions.decisions:
            expire = decision.action is ActionType.EXPIRE
            short = f"expire (rule {decision.rule})" if expire else "keep"
            expected.update({tag: short for tag in decision.image.tags})
        screen = await close_pane(pilot)

        await pilot.pause(0.2)
        assert policy_cells(screen) == expected
        assert expected["release-1"] == "expire (rule 1)"
        assert expected["stable"] == expected["release-3"] == "keep"
        subtitle = str(screen.pane("tags").border_subtitle)
        assert subtitle.endswith(
            "policy: 3 of 7 images expire (as of 2024-07-01 00:00 UTC)"
        )
        assert screen.tags.max_scroll_x == 0
        assert screen.tags.select_tag("main")
        await pilot.pause(0.1)
        assert "policy: keep: selected by no rule" in details_text(app)

        # A policy with problems, then an empty one, take the column away.
        for text in ('{"rules": []}', ""):
            pane = await open_pane(pilot, "team/app")
            await set_policy(pilot, pane, text)
            screen = await close_pane(pilot)
            assert "policy" not in screen.tags.columns
            assert "policy:" not in str(screen.pane("tags").border_subtitle)
            assert "policy:" not in details_text(app)


@pytest.mark.registry
async def test_a_reload_that_changes_the_tags_drops_the_verdicts(
    fresh_registry: RegistryServer,
) -> None:
    loads: list[TagsLoaded] = []

    def hook(message: Message) -> None:
        if isinstance(message, TagsLoaded):
            loads.append(message)

    push_images(fresh_registry.url)
    app = open_app(f"{fresh_registry.host}/team/app")
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        pane = await open_pane(pilot, "team/app")
        await set_policy(pilot, pane, json.dumps(POLICY))
        screen = await close_pane(pilot)
        assert "policy" in screen.tags.columns
        source = screen.source
        assert source is not None

        # The same tags listed again keep their verdicts.
        count = len(loads)
        await pilot.press("r")
        await until(pilot, lambda: len(loads) > count, "the reload")
        await pilot.pause(0.1)
        assert "policy" in screen.tags.columns

        # A tag the evaluated images did not have makes them out of date.
        preview = source.previews["team/app"]
        source.previews["team/app"] = replace(preview, decisions=preview.decisions[1:])
        count = len(loads)
        await pilot.press("r")
        await until(pilot, lambda: len(loads) > count, "the second reload")
        await pilot.pause(0.1)
        assert "policy" not in screen.tags.columns
        assert "team/app" not in source.previews
