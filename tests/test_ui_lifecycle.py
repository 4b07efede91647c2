"""The lifecycle pane driven by Pilot: it agrees with the CLI, applies, validates.

The repository ``team/app`` is pushed to a registry of the test's own with
the images and policy of ``policy_data.py``, which ``test_policy_cli.py``
uses too, so that the pane's verdicts can be compared with ``tagyard policy
preview --json`` and what an apply leaves behind can be checked with a
client of the test's own.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import SeededRegistry
from policy_data import AT, POLICY, policy_copy, push_images
from registry_server import RegistryServer
from textual import events
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input
from uihelpers import open_app, plain, record_notes, static_text, until

from tui import demo
from tui.cli.main import main
from tui.registry.journal import Journal
from tui.ui.app import TagyardApp
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.expiring import ExpiryConfirmScreen, ExpiryProgressed
from tui.ui.screens.lifecycle import LifecycleScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.policy_editor import SETTLE_SECONDS
from tui.ui.widgets.policy_problems import ProblemPanel

SIZE = (150, 45)


@pytest.fixture
def app_repo(fresh_registry: RegistryServer) -> dict[tuple[str, ...], str]:
    """``team/app`` on a fresh registry; returns the digest of each tag group."""
    return push_images(fresh_registry.url)


def lifecycle(app: App[Any]) -> LifecycleScreen:
    screen = app.screen
    assert isinstance(screen, LifecycleScreen), screen
    return screen


def text_of(panel: ProblemPanel) -> str:
    """The problem panel as plain text, wide enough not to wrap."""
    return plain(panel.content, width=300)


async def open_lifecycle(pilot: Pilot[Any], repository: str) -> LifecycleScreen:
    """Wait for the tags of ``repository``, press L, wait for its images."""
    app = pilot.app
    assert isinstance(app, TagyardApp)

    def browsing() -> bool:
        screen = app.screen
        return (
            isinstance(screen, BrowserScreen)
            and screen.repository == repository
            and bool(screen.tags.entries)
        )

    await until(pilot, browsing, f"the tags of {repository}")
    await pilot.press("L")
    await until(pilot, lambda: isinstance(app.screen, LifecycleScreen), "the pane")
    screen = lifecycle(app)
    await until(pilot, lambda: screen.snapshot is not None, "the repository's images")
    return screen


async def paste_policy(pilot: Pilot[Any], screen: LifecycleScreen, text: str) -> None:
    """Replace the editor's text as a terminal paste does; wait for the result."""
    screen.editor.focus()
    screen.editor.select_all()
    pilot.app.post_message(events.Paste(text))
    await until(pilot, lambda: screen.editor.text == text, "the pasted policy")
    # Nothing is evaluated until typing pauses.
    await pilot.pause(SETTLE_SECONDS + 0.2)


async def answer_prompt(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into the prompt that is opening and press enter."""
    await until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a prompt")
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


async def evaluate_at(pilot: Pilot[Any], moment: str) -> None:
    """Set the evaluation instant with the t key, from outside the editor."""
    screen = lifecycle(pilot.app)
    screen.decisions.focus()
    await pilot.press("t")
    await answer_prompt(pilot, moment)
    await until(pilot, lambda: screen.at is not None, "the new instant")


def expiring(screen: LifecycleScreen) -> dict[str, int | None]:
    return {d.image.digest: d.rule for d in screen.decisions.expiring}


async def apply_policy(pilot: Pilot[Any], screen: LifecycleScreen) -> str:
    """Press A on the decisions and confirm; return what the confirmation said.

    Returns once the report says the policy was applied.
    """
    screen.decisions.focus()
    await pilot.press("A")
    await until(
        pilot, lambda: isinstance(pilot.app.screen, ExpiryConfirmScreen), "a modal"
    )
    confirm = pilot.app.screen
    assert isinstance(confirm, ExpiryConfirmScreen)
    body = confirm.body
    await pilot.press("y")
    await until(pilot, lambda: "Applied" in report_text(screen), "the report")
    return body


def report_text(screen: LifecycleScreen) -> str:
    return static_text(screen, "#lifecycle-report")


@pytest.mark.registry
async def test_the_pane_and_the_cli_expire_the_same_images_by_the_same_rules(
    fresh_registry: RegistryServer,
    app_repo: dict[tuple[str, ...], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = fresh_registry.host
    policy_file = tmp_path / "policy.json"
    policy_text = json.dumps(POLICY, indent=2)
    policy_file.write_text(policy_text)
    args = ["policy", "preview", f"{host}/team/app", "--policy", str(policy_file)]
    # The CLI runs its own event loop, so it cannot run on this test's.
    code = await asyncio.to_thread(main, [*args, "--at", AT, "--json"])
    assert code == 0
    cli = json.loads(capsys.readouterr().out)
    from_cli = {
        r["imageDigest"]: r["appliedRulePriority"] for r in cli["previewResults"]
    }

    app = open_app(f"{host}/team/app")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "team/app")
        await evaluate_at(pilot, AT)
        await paste_policy(pilot, screen, policy_text)
        assert expiring(screen) == from_cli
        summary = static_text(screen, "#lifecycle-summary")
        notes = static_text(screen, "#lifecycle-notes")
        cells = [str(cell) for cell in screen.decisions.get_row(app_repo[("main",)])]
        time_column = str(screen.decisions.columns["pushed"].label)
    assert from_cli == {
        app_repo[("release-1",)]: 1,
        app_repo[("release-2",)]: 1,
        app_repo[("pr-7",)]: 2,
    }
    assert summary.startswith("3 of 7 images expire, ")
    assert summary.endswith(" freed, at 2024-07-01 00:00 UTC")
    assert "cannot list untagged manifests" in notes
    assert cells[0] == "keep" and cells[2] == "main"
    # A plain registry has no push times: the column says it shows created.
    assert time_column == "created" and cells[4] == "2023-01-01 00:00"
    assert cells[5] == "selected by no rule"


@pytest.mark.registry
async def test_apply_expires_what_the_pane_shows_and_journals_each_delete(
    fresh_registry: RegistryServer,
    app_repo: dict[tuple[str, ...], str],
    tmp_path: Path,
) -> None:
    progress: list[tuple[int, int]] = []

    def hook(message: Message) -> None:
        if isinstance(message, ExpiryProgressed):
            progress.append((message.done, message.total))

    host = fresh_registry.host
    app = open_app(f"{host}/team/app")
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        screen = await open_lifecycle(pilot, "team/app")
        await evaluate_at(pilot, AT)
        await paste_policy(pilot, screen, json.dumps(POLICY))
        assert len(expiring(screen)) == 3

        body = await apply_policy(pilot, screen)
        await until(pilot, lambda: not expiring(screen), "the re-read repository")
        assert "3 images expired" in report_text(screen)

        # Escape goes to the editor first; a second one closes the pane.
        await pilot.press("escape", "escape")
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        await until(pilot, lambda: len(browser.tags.entries) == 5, "the browser reload")

    expired = {app_repo[("release-1",)], app_repo[("release-2",)], app_repo[("pr-7",)]}
    for digest in expired:
        assert digest[:19] in body
    assert "release-1" in body and "pr-7" in body and "(rule 2)" in body
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    with httpx.Client(base_url=fresh_registry.url) as client:
        tags = sorted(client.get("/v2/team/app/tags/list").json()["tags"])
    assert tags == ["main", "pr-8", "release-3", "release-4", "stable"]
    entries = Journal(tmp_path / "state" / "tagyard" / "journal.jsonl").entries()
    assert sorted(e.digest for e in entries) == sorted(expired)
    assert all(e.state == "done" and e.action == "image" for e in entries)


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return demo.prepare_demo(tmp_path)


async def test_an_invalid_policy_names_the_rule_and_the_field(demo_dir: Path) -> None:
    broken = policy_copy()
    broken["rules"][1]["selection"]["countNumber"] = 0
    app = open_app(f"oci:{demo_dir}/acme/api")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "api")
        panel = screen.query_one("#policy-problems", ProblemPanel)
        assert "valid: ECR would accept this policy" in text_of(panel)
        before = expiring(screen)
        assert before, "the example policy expires the demo's untagged image"

        await paste_policy(pilot, screen, json.dumps(broken, indent=2))
        text = text_of(panel)
        assert screen.policy is None and screen.decisions.has_class("-stale")
        wheres = [problem.where for problem in panel.problems]

        # Typing starts nothing until it pauses.
        await pilot.press("end", "backspace")
        assert screen.editor.text != json.dumps(broken, indent=2)
        assert text_of(panel) == text
        await until(pilot, lambda: "not valid JSON" in text_of(panel), "a JSON error")

        screen.decisions.focus()
        await pilot.press("A")
        await pilot.pause(0.1)
        assert isinstance(app.screen, LifecycleScreen)
    assert wheres == ["rule 2 (rulePriority 2), selection.countNumber"]
    assert "rule 2 (rulePriority 2)" in text and "selection.countNumber" in text
    assert "numeric instance is lower than the required minimum" in text
    assert "ECR says" in text


async def test_a_policy_file_loads_into_the_editor(
    demo_dir: Path, tmp_path: Path
) -> None:
    policy_file = tmp_path / "keep-one.json"
    keep_one = policy_copy()
    keep_one["rules"][0]["selection"]["tagPatternList"] = ["*"]
    keep_one["rules"][0]["selection"]["countNumber"] = 1
    policy_file.write_text(json.dumps(keep_one, indent=2))
    app = open_app(f"oci:{demo_dir}/acme/api")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "api")
        screen.decisions.focus()
        await pilot.press("o")
        await answer_prompt(pilot, str(tmp_path / "missing.json"))
        await pilot.pause(0.1)
        assert screen.editor.text != policy_file.read_text()

        await pilot.press("o")
        await answer_prompt(pilot, str(policy_file))
        await until(
            pilot, lambda: screen.editor.text == policy_file.read_text(), "the file"
        )
        await until(pilot, lambda: screen.policy is not None, "the evaluation")
        await until(pilot, lambda: len(expiring(screen)) == 4, "four expiring")
    messages = [note.message for note in notes]
    assert any("cannot read" in m and "missing.json" in m for m in messages)
    assert messages[-1] == f"Loaded {policy_file}"


@pytest.mark.registry
async def test_a_delete_the_registry_refuses_is_reported_as_failed(
    registry_no_delete: SeededRegistry,
) -> None:
    keep_newest = policy_copy()
    keep_newest["rules"] = keep_newest["rules"][:1]
    keep_newest["rules"][0]["selection"]["tagPatternList"] = ["*"]
    keep_newest["rules"][0]["selection"]["countNumber"] = 1
    app = open_app(f"{registry_no_delete.host}/small/app")
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "small/app")
        await paste_policy(pilot, screen, json.dumps(keep_newest))
        assert len(expiring(screen)) == 1
        await apply_policy(pilot, screen)
        text = report_text(screen)
    assert "0 images expired, 1 failed" in text, text
    assert "deletes are disabled on this registry" in text and "HTTP 405" in text
    assert notes[-1].message == "0 images expired, 1 failed"
