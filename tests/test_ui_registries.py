"""Registries in the UI: their states, adding, editing and removing them, bookmarks.

Changes made in the UI must survive a restart, so the tests that make them
start a second app on the same configuration file (``TAGYARD_CONFIG``, set
per test by the autouse fixture in ``conftest.py``) and look there.
"""

from __future__ import annotations

import asyncio
import json
import socket
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SeededRegistry
from registry_server import RegistryServer
from textual.pilot import Pilot
from textual.widgets import Input

from tui.config import config_path, load_config
from tui.registry.client import RegistryClient
from tui.ui.app import TagyardApp, build_app
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.registryform import RegistryForm, RepositoryPrompt
from tui.ui.screens.sources import docker_hosts
from tui.ui.widgets.registries import RegistryList

SIZE = (140, 40)


def open_app(target: str | None = None) -> TagyardApp:
    return build_app(target=target, demo=False, insecure=False, config=load_config())


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 10
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def browser(app: TagyardApp) -> BrowserScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, BrowserScreen)
    return screen


def registry_list(app: TagyardApp) -> RegistryList:
    return browser(app).query_one("#registries", RegistryList)


def states(app: TagyardApp) -> dict[str, str]:
    return {label: state.word for label, state in registry_list(app).states.items()}


def labels(app: TagyardApp) -> list[str]:
    return [str(option.id) for option in registry_list(app).options]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def write_config(text: str) -> Path:
    path = config_path()
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.mark.registry
async def test_each_registry_shows_its_state(
    registry: SeededRegistry,
    registry_with_login: RegistryServer,
    private_state: Path,
) -> None:
    down = f"127.0.0.1:{closed_port()}"
    write_config(f'[registries."{registry.host}"]\n[registries."{down}"]\n')
    docker = private_state / "docker"
    docker.mkdir()
    (docker / "config.json").write_text(
        json.dumps({"auths": {f"http://{registry_with_login.host}/v2/": {}}})
    )
    app = open_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: "checking" not in states(app).values() and len(states(app)) == 3,
            "three checks",
        )
        assert states(app) == {
            registry.host: "reachable",
            down: "error",
            registry_with_login.host: "needs login",
        }
        assert labels(app) == [registry.host, down, registry_with_login.host]
        status = browser(app).pane("registries").status
        assert str(status.content) == "reachable"
        await pilot.press("j")
        assert "could not be reached" in str(status.content)
        assert status.has_class("error")


def test_docker_config_hosts_fold_hub_aliases(private_state: Path) -> None:
    docker = private_state / "docker"
    docker.mkdir()
    auths = {
        "https://index.docker.io/v1/": {},
        "docker.io": {},
        "registry-1.docker.io": {},
        "https://GHCR.io": {},
        "not a host": {},
    }
    (docker / "config.json").write_text(json.dumps({"auths": auths}))
    assert docker_hosts() == ["docker.io", "ghcr.io"]


@pytest.mark.registry
async def test_add_edit_and_remove_a_registry_survive_a_restart(
    registry: SeededRegistry,
) -> None:
    path = write_config("# my registries\ncopy_tool = 'podman'  # lab machines\n")
    app = open_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RegistryForm), "the form")
        await pilot.press(*registry.host, "tab", *"robot")
        await pilot.press("tab", "tab", *"pa55word")
        assert app.screen.query_one("#registry-password", Input).password
        await pilot.press("ctrl+s")
        await until(pilot, lambda: labels(app) == [registry.host], "the new registry")
        await until(pilot, lambda: states(app) == {registry.host: "reachable"}, "ok")
    text = path.read_text()
    assert text.startswith("# my registries\ncopy_tool = 'podman'  # lab machines\n")
    assert f'[registries."{registry.host}"]' in text
    assert 'username = "robot"' in text and 'password = "pa55word"' in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    app = open_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: labels(app) == [registry.host], "after a restart")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RegistryForm), "the form")
        form = app.screen
        assert form.query_one("#registry-username", Input).value == "robot"
        # The stored password is never put on the screen.
        assert form.query_one("#registry-password", Input).value == ""
        form.query_one("#registry-username", Input).value = "deploy"
        await pilot.click("#registry-save")
        await until(pilot, lambda: not isinstance(app.screen, RegistryForm), "saved")
        settings = load_config().registries[registry.host]
        assert settings.username == "deploy" and settings.has_password

        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
        await pilot.press("y")
        await until(pilot, lambda: labels(app) == [], "the registry gone")
    assert load_config().registries == {}
    assert path.read_text().startswith("# my registries\n")


async def test_a_bad_host_is_reported_in_the_form() -> None:
    app = open_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RegistryForm), "the form")
        await pilot.press(*"no host", "enter")
        error = app.screen.query_one("#registry-form-error")
        assert "host: invalid registry host 'no host'" in str(error.content)  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen)
    assert not config_path().exists()


async def test_a_registry_not_in_the_file_cannot_be_removed(
    private_state: Path,
) -> None:
    down = f"127.0.0.1:{closed_port()}"
    app = open_app(down)
    notes: list[str] = []
    original = app.notify

    def notify(message: str, **options: Any) -> None:
        notes.append(message)
        original(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        browser(app).focus_pane("registries")
        await pilot.press("x")
        await until(pilot, lambda: any("stays" in note for note in notes), "a note")
    assert f"{down} stays: it was named on the command line" in notes


@pytest.mark.registry
async def test_bookmarks_without_a_catalog(
    registry: SeededRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on Docker Hub, GHCR or GitLab: the registry lists no repositories.
    monkeypatch.setattr(RegistryClient, "supports_catalog", property(lambda _: False))
    path = write_config(f'[registries."{registry.host}"]\nbookmarks = ["team/app"]\n')
    app = open_app(registry.host)
    async with app.run_test(size=SIZE) as pilot:
        screen = browser(app)
        await until(pilot, lambda: screen.repository == "team/app", "the bookmark")
        await pilot.press("+")
        await until(pilot, lambda: isinstance(app.screen, RepositoryPrompt), "prompt")
        await pilot.press(*"Team/Bad", "enter")
        assert isinstance(app.screen, RepositoryPrompt)
        app.screen.query_one(Input).value = "team/many"
        await pilot.press("enter")
        await until(pilot, lambda: screen.repository == "team/many", "team/many")
        await until(pilot, lambda: len(screen.tags.entries) == 130, "its tags")
        assert app.focused is not None and app.focused.id == "tags"
    assert load_config(path).registries[registry.host].bookmarks == (
        "team/app",
        "team/many",
    )

    app = open_app(registry.host)
    async with app.run_test(size=SIZE) as pilot:
        screen = browser(app)
        await until(pilot, lambda: screen.repository == "team/app", "the bookmarks")
        names = screen.query_one("#repositories")
        ids = [o.id for o in names.options]  # type: ignore[attr-defined]
        assert "team/app" in ids and "team/many" in ids
