"""Pictures of the UI on the demo, compared with the accepted SVGs in __snapshots__.

The app runs at a fixed size with a fixed clock, on a copy of the demo at a
fixed path (the path shows in the registries pane and the pull commands).
After a deliberate change to the UI, look at the new pictures and accept
them with ``pytest tests/test_ui_snapshots.py --snapshot-update``; a failing
run writes a side-by-side report (``snapshot_report.html``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from uihelpers import browser, open_app, until

from tui import demo
from tui.config import Config
from tui.ui.app import TagyardApp
from tui.ui.widgets.registries import RegistryList

SIZE = (130, 36)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
Compare = Callable[..., bool]


def _sample_digest() -> str:
    digest = hashlib.sha256()
    root = Path(str(files(demo).joinpath("sample")))
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


@pytest.fixture(scope="session")
def demo_at_fixed_path() -> Path:
    """The demo at a path named after its content, made once and never changed.

    Test runs side by side share it safely: it is only read, and it appears
    at once, whole, by a rename.
    """
    path = Path("/tmp") / f"tagyard-snapshot-demo-{_sample_digest()}"
    if not path.exists():
        scratch = Path(tempfile.mkdtemp(prefix="tagyard-snapshot-", dir="/tmp"))
        made = demo.prepare_demo(scratch)
        # Another run may have put it there first; then that copy serves.
        with contextlib.suppress(OSError):
            os.rename(made, path)
        shutil.rmtree(scratch, ignore_errors=True)
    return path


def demo_app(root: Path, reference: str = "", tmp: Path | None = None) -> TagyardApp:
    config = Config((tmp or root) / "config.toml")
    return open_app(f"oci:{root}{reference}", config, now=NOW)


def settled(repository: str, tag: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait until ``repository:tag`` is shown and the registries were checked."""

    async def wait(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, TagyardApp)

        def ready() -> bool:
            screen = browser(app)
            current = screen.tags.current
            states = screen.query_one("#registries", RegistryList).states
            checked = bool(states) and all(
                state.word != "checking" for state in states.values()
            )
            return (
                checked
                and screen.repository == repository
                and current is not None
                and current.tag == tag
                and not screen.pane("tags").spinner.display
            )

        await until(pilot, ready, "the demo to load", timeout=10)

    return wait


def test_browse_an_index(snap_compare: Compare, demo_at_fixed_path: Path) -> None:
    app = demo_app(demo_at_fixed_path, "/acme/web:2.1")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("web", "2.1"))


def test_copy_menu(snap_compare: Compare, demo_at_fixed_path: Path) -> None:
    app = demo_app(demo_at_fixed_path, "/acme/api:1.4.2")
    assert snap_compare(
        app, press=["c"], terminal_size=SIZE, run_before=settled("api", "1.4.2")
    )


def test_raw_manifest_of_the_second_platform(
    snap_compare: Compare, demo_at_fixed_path: Path
) -> None:
    app = demo_app(demo_at_fixed_path, "/acme/web:latest")
    assert snap_compare(
        app,
        press=["p", "m", "enter"],
        terminal_size=SIZE,
        run_before=settled("web", "latest"),
    )


def test_help(snap_compare: Compare, demo_at_fixed_path: Path) -> None:
    app = demo_app(demo_at_fixed_path, "/acme/api:latest")
    assert snap_compare(
        app,
        press=["question_mark"],
        terminal_size=SIZE,
        run_before=settled("api", "latest"),
    )
