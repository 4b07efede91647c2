"""Pull commands and references, and copying them to whichever clipboard there is.

:func:`copy_choices` lists what the copy menu offers for one tag: the pull
command by tag and by digest (for docker, podman or nerdctl, as the
configuration's ``copy_tool`` says), the ``name:tag@digest`` reference that
pins a tag to its image, and the bare digest.

pyperclip reaches the system clipboard through xclip, xsel, wl-copy, pbcopy
or the Windows API. Over SSH, in a container or on a headless machine none of
those exist; then the text goes to the terminal as an OSC 52 escape, which
most terminals (and tmux with ``set-clipboard on``) put on the clipboard of
the machine the person actually sits at.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pyperclip
from textual.app import App

from ...registry.backend import Registry
from ...registry.models import TaggedImage

__all__ = ["CopyChoice", "copy_choices", "copy_text", "pull_command"]

SYSTEM = "system clipboard"
TERMINAL = "terminal clipboard (OSC 52)"


@dataclass(frozen=True)
class CopyChoice:
    """One entry of the copy menu: what it is called and the text it copies."""

    label: str
    text: str


def pull_command(
    registry: Registry,
    repository: str,
    *,
    tag: str | None = None,
    digest: str = "",
    tool: str = "docker",
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
    return f"{tool} pull {reference}"


def copy_choices(
    registry: Registry, repository: str, entry: TaggedImage, tool: str = "docker"
) -> list[CopyChoice]:
    """What the copy menu offers for ``entry``; a tag without an image gets one."""
    is_layout = registry.pull_reference(repository).startswith("oci:")
    verb = "reference" if is_layout else "pull"
    by_tag = pull_command(registry, repository, tag=entry.tag, tool=tool)
    choices = [CopyChoice(f"{verb} by tag", by_tag)]
    if entry.image is None:
        return choices
    digest = entry.image.digest
    name = registry.pull_reference(repository)
    return [
        *choices,
        CopyChoice(
            f"{verb} by digest",
            pull_command(registry, repository, digest=digest, tool=tool),
        ),
        CopyChoice("name:tag@digest", f"{name}:{entry.tag}@{digest}"),
        CopyChoice("digest only", digest),
    ]


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
