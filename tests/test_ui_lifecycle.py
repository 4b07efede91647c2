"""The lifecycle pane driven by Pilot: it agrees with the CLI, applies, validates.

The repository ``team/app`` is pushed to a registry of the test's own with
the same images and policy as ``test_policy_cli.py``, so that the pane's
verdicts can be compared with ``tagyard policy preview --json`` and what an
apply leaves behind can be checked with a client of the test's own.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import SeededRegistry
from registry_server import RegistryServer
from rich.console import Console
from seed import push_image
from textual import events
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from tui import demo
from tui.cli.main import main
from tui.config import Config
from tui.registry.journal import Journal
from tui.ui.app import TagyardApp, build_app
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.expiring import ExpiryConfirmScreen, ExpiryProgressed
from tui.ui.screens.lifecycle import LifecycleScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.policy_editor import SETTLE_SECONDS
from tui.ui.widgets.policy_problems import ProblemPanel

SIZE = (150, 45)
AT = "2024-07-01T00:00:00Z"
POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep the two newest releases",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["release-*"],
                "countType": "imageCountMoreThan",
                "countNumber": 2,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "pull-request builds live 14 days",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": ["pr-"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
    ]
}
# tag -> created; release-3 and "stable" share one image.
IMAGES = {
    ("release-1",): "2024-01-01T00:00:00Z",
    ("release-2",): "2024-02-01T00:00:00Z",
    ("release-3", "stable"): "2024-03-01T00:00:00Z",
    ("release-4",): "2024-04-01T00:00:00Z",
    ("pr-7",): "2024-06-01T00:00:00Z",
    ("pr-8",): "2024-06-25T00:00:00Z",
    ("main",): "2023-01-01T00:00:00Z",
}


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the delete journal, config and docker credentials per test."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("TAGYARD_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))


@pytest.fixture
def app_repo(fresh_registry: RegistryServer) -> dict[tuple[str, ...], str]:
    """``team/app`` on a fresh registry; returns the digest of each tag group."""
    digests = {}
    for number, (tags, created) in enumerate(IMAGES.items()):
        config = {"created": created, "os": "linux", "architecture": "amd64"}
        layer = f"layer of image {number}".encode()
        digest = push_image(fresh_registry.url, "team/app", tags[0], config, [layer])
        for extra in tags[1:]:
            push_image(fresh_registry.url, "team/app", extra, config, [layer])
        digests[tags] = digest
    return digests


def open_app(target: str, tmp_path: Path, **options: Any) -> TagyardApp:
    config = Config(tmp_path / "config.toml", {})
    return build_app(
        target=target, demo=False, insecure=False, config=config, **options
    )


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 15
) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def record_notes(app: TagyardApp) -> list[str]:
    """The message of every notification from now on, in order."""
    notes: list[str] = []
    original = app.notify

    def notify(message: str, **options: Any) -> None:
        notes.append(message)
        original(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return notes


def lifecycle(app: TagyardApp) -> LifecycleScreen:
    screen = app.screen
    assert isinstance(screen, LifecycleScreen), screen
    return screen


def plain(panel: ProblemPanel) -> str:
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(panel.content)
    return console.export_text()


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
    screen = lifecycle(pilot.app)  # type: ignore[arg-type]
    screen.decisions.focus()
    await pilot.press("t")
    await answer_prompt(pilot, moment)
    await until(pilot, lambda: screen.at is not None, "the new instant")


def expiring(screen: LifecycleScreen) -> dict[str, int | None]:
    return {d.image.digest: d.rule for d in screen.decisions.expiring}


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

    app = open_app(f"{host}/team/app", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "team/app")
        await evaluate_at(pilot, AT)
        await paste_policy(pilot, screen, policy_text)
        assert expiring(screen) == from_cli
        summary = str(screen.query_one("#lifecycle-summary").content)  # type: ignore[attr-defined]
        notes = str(screen.query_one("#lifecycle-notes").content)  # type: ignore[attr-defined]
        cells = [str(cell) for cell in screen.decisions.get_row(app_repo[("main",)])]
    assert from_cli == {
        app_repo[("release-1",)]: 1,
        app_repo[("release-2",)]: 1,
        app_repo[("pr-7",)]: 2,
    }
    assert summary.startswith("3 of 7 images expire, ")
    assert summary.endswith(" freed, at 2024-07-01 00:00 UTC")
    assert "cannot list untagged manifests" in notes
    assert cells[0] == "keep" and cells[2] == "main"
    assert cells[4] == "2023-01-01 00:00 (created)"
    assert cells[5] == "keep: selected by no rule"


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
    app = open_app(f"{host}/team/app", tmp_path)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        screen = await open_lifecycle(pilot, "team/app")
        await evaluate_at(pilot, AT)
        await paste_policy(pilot, screen, json.dumps(POLICY))
        assert len(expiring(screen)) == 3

        screen.decisions.focus()
        await pilot.press("A")
        await until(
            pilot, lambda: isinstance(app.screen, ExpiryConfirmScreen), "a modal"
        )
        body = app.screen.body  # type: ignore[attr-defined]
        await pilot.press("y")
        report = screen.query_one("#lifecycle-report")
        await until(pilot, lambda: "Applied" in str(report.content), "the report")  # type: ignore[attr-defined]
        await until(pilot, lambda: not expiring(screen), "the re-read repository")
        assert "3 image(s) expired" in str(report.content)  # type: ignore[attr-defined]

        await pilot.press("escape")
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


async def test_an_invalid_policy_names_the_rule_and_the_field(
    demo_dir: Path, tmp_path: Path
) -> None:
    broken = json.loads(json.dumps(POLICY))
    broken["rules"][1]["selection"]["countNumber"] = 0
    app = open_app(f"oci:{demo_dir}/acme/api", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "api")
        panel = screen.query_one("#policy-problems", ProblemPanel)
        assert "valid: ECR would accept this policy" in plain(panel)
        before = expiring(screen)
        assert before, "the example policy expires the demo's untagged image"

        await paste_policy(pilot, screen, json.dumps(broken, indent=2))
        text = plain(panel)
        assert screen.policy is None and screen.decisions.has_class("-stale")
        wheres = [problem.where for problem in panel.problems]

        # Typing starts nothing until it pauses.
        await pilot.press("end", "backspace")
        assert screen.editor.text != json.dumps(broken, indent=2)
        assert plain(panel) == text
        await until(pilot, lambda: "not valid JSON" in plain(panel), "a JSON error")

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
    keep_one = json.loads(json.dumps(POLICY))
    keep_one["rules"][0]["selection"]["tagPatternList"] = ["*"]
    keep_one["rules"][0]["selection"]["countNumber"] = 1
    policy_file.write_text(json.dumps(keep_one, indent=2))
    app = open_app(f"oci:{demo_dir}/acme/api", tmp_path)
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
    assert any("cannot read" in note and "missing.json" in note for note in notes)
    assert notes[-1] == f"Loaded {policy_file}"


@pytest.mark.registry
async def test_a_delete_the_registry_refuses_is_reported_as_failed(
    registry_no_delete: SeededRegistry, tmp_path: Path
) -> None:
    keep_newest = json.loads(json.dumps(POLICY))
    keep_newest["rules"] = keep_newest["rules"][:1]
    keep_newest["rules"][0]["selection"]["tagPatternList"] = ["*"]
    keep_newest["rules"][0]["selection"]["countNumber"] = 1
    app = open_app(f"{registry_no_delete.host}/small/app", tmp_path)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lifecycle(pilot, "small/app")
        await paste_policy(pilot, screen, json.dumps(keep_newest))
        assert len(expiring(screen)) == 1
        screen.decisions.focus()
        await pilot.press("A")
        await until(
            pilot, lambda: isinstance(app.screen, ExpiryConfirmScreen), "a modal"
        )
        await pilot.press("y")
        report = screen.query_one("#lifecycle-report")
        await until(pilot, lambda: "Applied" in str(report.content), "the report")  # type: ignore[attr-defined]
        text = str(report.content)  # type: ignore[attr-defined]
    assert "0 image(s) expired, 1 failed" in text, text
    assert "deletes are disabled on this registry" in text and "HTTP 405" in text
    assert notes[-1] == "0 image(s) expired, 1 failed"
