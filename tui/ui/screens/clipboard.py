"""Pull commands, and copying them to whichever clipboard there is.

pyperclip reaches the system clipboard through xclip, xsel, wl-copy, pbcopy
or the Windows API. Over SSH, in a container or on a headless machine none of
those exist; then the text goes to the terminal as an OSC 52 escape, which
most terminals (and tmux with ``set-clipboard on``) put on the clipboard of
the machine the person actually sits at.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pyperclip
from textual.app import App

from ...registry.backend import Registry

__all__ = ["copy_text", "pull_command"]

SYSTEM = "system clipboard"
TERMINAL = "terminal clipboard (OSC 52)"


def pull_command(
    registry: Registry, repository: str, *, tag: str | None = None, digest: str = ""
) -> str:
    """What to run to fetch an image: ``docker pull host/repo:tag`` or ``@digest``.

    A directory of OCI layouts has no host docker could pull from, so for one
    of those this is the ``oci:`` reference that skopeo, podman and tagyard
    itself take (``oci:/srv/layouts/api:1.2``).
    """
    name = registry.pull_reference(repository)
    reference = f"{name}@{digest}" if digest else f"{name}:{tag}"
    if name.startswith("oci:"):
        return reference
    return f"docker pull {reference}"


async def copy_text(app: App[Any], text: str) -> str:
    """Copy ``text`` and return which clipboard took it (to tell the user)."""
    try:
        # xclip and friends are subprocesses that can stall; keep them off
        # the event loop.
        await asyncio.to_thread(pyperclip.copy, text)
    except pyperclip.PyperclipException:
        app.copy_to_clipboard(text)
        return TERMINAL
    return SYSTEM
