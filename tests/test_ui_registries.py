"""Registries in the UI: their states, adding, editing and removing them, bookmarks.

Changes made in the UI must survive a restart, so the tests that make them
start a second app on the same configuration file (``TAGYARD_CONFIG``, set
per test by the autouse fixture in ``conftest.py``) and look there.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import SeededRegistry
from registry_server import RegistryServer
from textual.widgets import Input
from uihelpers import (
    browser,
    closed_port,
    open_app,
    record_notes,
    static_text,
    until,
    wait_for_screen,
    write_config,
)

from tui.config import config_path, load_config
from tui.registry.client import RegistryClient
from tui.registry.credentials import docker_login_hosts
from tui.ui.app import TagyardApp
from tui.ui.screens.browser import BrowserScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.registryform import RegistryForm, RepositoryPrompt
from tui.ui.widgets.registries import RegistryList
from tui.ui.widgets.repositories import RepositoryList

SIZE = (140, 40)


def registry_list(app: TagyardApp) -> RegistryList:
    return browser(app).query_one("#registries", RegistryList)


def states(app: TagyardApp) -> dict[str, str]:
    return {label: state.word for label, state in registry_list(app).states.items()}


def labels(app: TagyardApp) -> list[str]:
    return [str(option.id) for option in registry_list(app).options]


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
            down: "unreachable",
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
    assert docker_login_hosts() == ["docker.io", "ghcr.io"]


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
        form = await wait_for_screen(pilot, RegistryForm, "the form")
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
        form = await wait_for_screen(pilot, RegistryForm, "the form")
        await pilot.press(*"no host", "enter")
        error = static_text(form, "#registry-form-error")
        assert "host: invalid registry host 'no host'" in error
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen)
    assert not config_path().exists()


async def test_a_registry_not_in_the_file_cannot_be_removed(
    private_state: Path,
) -> None:
    down = f"127.0.0.1:{closed_port()}"
    app = open_app(down)
    notes = record_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        browser(app).focus_pane("registries")
        await pilot.press("x")
        await until(pilot, lambda: any("stays" in n.message for n in notes), "a note")
    messages = [note.message for note in notes]
    assert f"{down} stays: it was named on the command line" in messages


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
        names = screen.query_one("#repositories", RepositoryList)
        ids = [o.id for o in names.options]
        assert "team/app" in ids and "team/many" in ids
