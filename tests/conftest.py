"""Fixtures that run a real CNCF Distribution registry, seeded or empty.

``registry`` is shared by the whole test run and must not be modified; tests
that delete or push use ``fresh_registry``, ``seeded_fresh_registry`` or
``registry_no_delete``, which start a registry of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from registry_server import RegistryServer, RegistryUnavailableError
from seed import EMPTIED, FULL_PLAN, SMALL_PLAN, Seed, seed_registry


@dataclass(frozen=True)
class SeededRegistry:
    """A running registry and a description of what was pushed to it."""

    server: RegistryServer
    seed: Seed

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``."""
        return self.server.host

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.server.url


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test's journal, config and docker credentials in ``tmp_path``.

    Nothing a test does reaches the real home directory: the journal goes to
    ``tmp_path/state``, the config is ``tmp_path/config.toml`` and docker's
    config folder is ``tmp_path/docker``.
    """
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("TAGYARD_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    return tmp_path


@contextmanager
def _running(
    *, delete_enabled: bool = True, login: tuple[str, str] | None = None
) -> Iterator[RegistryServer]:
    server = RegistryServer(delete_enabled=delete_enabled, login=login)
    try:
        server.start()
    except RegistryUnavailableError as error:
        server.close()
        # A failure, not a skip: without the registry the suite proves nothing.
        raise pytest.fail.Exception(str(error), pytrace=False) from None
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def registry() -> Iterator[SeededRegistry]:
    """The read-only registry of the whole run, seeded with ``seed.FULL_PLAN``."""
    with _running() as server:
        yield SeededRegistry(
            server, seed_registry(server.url, FULL_PLAN, emptied=EMPTIED)
        )


@pytest.fixture
def fresh_registry() -> Iterator[RegistryServer]:
    """An empty registry of this test's own."""
    with _running() as server:
        yield server


@pytest.fixture
def seeded_fresh_registry() -> Iterator[SeededRegistry]:
    """A registry of this test's own, seeded with ``seed.SMALL_PLAN``."""
    with _running() as server:
        yield SeededRegistry(server, seed_registry(server.url, SMALL_PLAN))


@pytest.fixture
def registry_no_delete() -> Iterator[SeededRegistry]:
    """Like ``seeded_fresh_registry``, with deletes disabled (they answer 405)."""
    with _running(delete_enabled=False) as server:
        yield SeededRegistry(server, seed_registry(server.url, SMALL_PLAN))


LOGIN = ("ci-user", "s3cret:with:colons")


@pytest.fixture
def registry_with_login() -> Iterator[RegistryServer]:
    """An empty registry that asks for HTTP Basic credentials (``LOGIN``)."""
    with _running(login=LOGIN) as server:
        yield server
