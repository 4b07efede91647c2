"""Take the README's pictures of tagyard, running for real on a real registry.

Starts the CNCF Distribution registry the tests use (``tests/registry_server.py``),
pushes the tests' full sample plan into it (``tests/seed.py``), runs the app
headless at a fixed size with Textual's Pilot, presses keys as a person
would, and saves SVG screenshots into ``screenshots/``. Ages ("3 months
ago") are measured from a fixed moment, so only the registry's port changes
from one run to the next.

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]

It needs the ``docker-registry`` Debian package (``./scripts/test`` installs
it). The configuration, delete journal and docker credentials are read from
a temporary folder, never from your home.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from registry_server import RegistryServer  # noqa: E402
from seed import FULL_PLAN, seed_registry  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from tui.config import load_config  # noqa: E402
from tui.ui.app import TagyardApp, build_app  # noqa: E402
from tui.ui.screens.browser import BrowserScreen  # noqa: E402

SIZE = (140, 40)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


async def until(pilot: Pilot[Any], condition: Callable[[], object]) -> None:
    """Let the app run until ``condition()`` holds (at most 20 seconds)."""
    deadline = asyncio.get_running_loop().time() + 20
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise SystemExit("screenshots: the app did not get there in time")
        await pilot.pause(0.05)


def browser(app: TagyardApp) -> BrowserScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, BrowserScreen)
    return screen


def showing(app: TagyardApp, repository: str, tag: str) -> bool:
    screen = browser(app)
    current = screen.tags.current
    spinning = screen.pane("tags").spinner.display
    return (
        screen.repository == repository
        and current is not None
        and current.tag == tag
        and not spinning
    )


async def take(host: str, out: Path) -> list[Path]:
    app = build_app(
        target=f"{host}/library/busybox:latest",
        demo=False,
        insecure=False,
        config=load_config(),
    )
    app.now = lambda: NOW
    saved: list[Path] = []

    def save(name: str) -> None:
        saved.append(Path(app.save_screenshot(name, path=str(out))))

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: showing(app, "library/busybox", "latest"))
        await pilot.pause(0.3)
        save("browse.svg")

        await pilot.press("m")
        await pilot.pause(0.2)
        save("raw-manifest.svg")
        await pilot.press("m")

        await pilot.press("c")
        await pilot.pause(0.2)
        save("copy-menu.svg")
        await pilot.press("escape")

        await pilot.press("question_mark")
        await pilot.pause(0.2)
        save("help.svg")
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"alpine")
        await pilot.pause(0.5)
        save("palette.svg")
        await pilot.press("enter")
        await until(pilot, lambda: showing(app, "library/alpine", "3.10"))
        await pilot.pause(0.3)
        save("tags.svg")

        if any(b.id == "lifecycle.open" for b in app.screen.BINDINGS):  # type: ignore[union-attr]
            await pilot.press("L")
            await pilot.pause(1.0)
            save("lifecycle.svg")
    return saved


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tagyard-screenshots-") as home:
        os.environ["XDG_STATE_HOME"] = f"{home}/state"
        os.environ["TAGYARD_CONFIG"] = f"{home}/config.toml"
        os.environ["DOCKER_CONFIG"] = f"{home}/docker"
        server = RegistryServer()
        server.start()
        try:
            seed_registry(server.url, FULL_PLAN)
            saved = asyncio.run(take(server.host, out))
        finally:
            server.close()
    for path in saved:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
