"""Rich renderables for the details pane: one image, one platform, raw JSON.

Pure functions of the image and a clock, so that what the pane shows can be
checked (and pictured) without running the app. For an index only one
platform is drawn in full, the one the details pane has picked; the table of
platforms marks it.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from datetime import datetime

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ...cli.output import format_created, format_size, short_digest
from ...registry.models import (
    Image,
    ImageConfig,
    ImageManifest,
    PlatformImage,
    TaggedImage,
)
from ..words import plural

__all__ = ["platforms_of", "render_image", "render_raw"]

# Build tools write each step as the shell line that ran it; this prefix of
# the classic builder says nothing a reader needs.
_NOP = "/bin/sh -c #(nop) "


def _grid(rows: Iterable[tuple[str, str | Text]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def platforms_of(image: Image) -> tuple[PlatformImage, ...]:
    """The runnable images of ``image``: its platforms, or the image itself."""
    if image.platforms or not isinstance(image.manifest, ImageManifest):
        return image.platforms
    # An image whose config names no OS has no platform entry, but its layers
    # are still worth showing.
    return (
        PlatformImage(None, image.digest, image.size, image.created, image.manifest),
    )


def _summary(
    image: Image, tag: str, sharing: list[str], pull: str, now: datetime
) -> Table:
    others = [other for other in sharing if other != tag]
    shared = ", ".join(sharing)
    if others:
        shared += f"  ({len(sharing)} tags on this digest)"
    rows: list[tuple[str, str | Text]] = [
        ("digest", image.digest),
        ("media type", image.media_type),
        ("size", format_size(image.size)),
        ("created", format_created(image.created, now)),
        ("tags", shared),
        ("pull", pull),
    ]
    if image.attestations:
        rows.append(("attestations", str(len(image.attestations))))
    return _grid(rows)


def _platforms(image: Image, picked: int) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    table.add_column("")
    table.add_column("platform", no_wrap=True)
    table.add_column("manifest", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    for index, platform in enumerate(image.platforms):
        table.add_row(
            Text("▶", style="bold") if index == picked else "",
            str(platform.platform or "-"),
            platform.digest,
            format_size(platform.size),
            style="bold" if index == picked else "",
        )
    return table


def _layers(manifest: ImageManifest) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    table.add_column("layer", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("media type", style="dim")
    for layer in manifest.layers:
        table.add_row(
            short_digest(layer.digest), format_size(layer.size), layer.media_type
        )
    return table


def _config_rows(config: ImageConfig) -> list[tuple[str, str | Text]]:
    rows: list[tuple[str, str | Text]] = []
    if config.entrypoint:
        rows.append(("entrypoint", shlex.join(config.entrypoint)))
    if config.cmd:
        rows.append(("cmd", shlex.join(config.cmd)))
    if config.working_dir:
        rows.append(("working dir", config.working_dir))
    if config.user:
        rows.append(("user", config.user))
    if config.exposed_ports:
        rows.append(("exposed ports", ", ".join(config.exposed_ports)))
    if config.env:
        rows.append(("env", "\n".join(config.env)))
    if config.labels:
        labels = (f"{key}={value}" for key, value in sorted(config.labels.items()))
        rows.append(("labels", "\n".join(labels)))
    return rows


def _history(config: ImageConfig) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for number, step in enumerate(config.history, 1):
        table.add_row(str(number), step.removeprefix(_NOP).strip())
    return table


def _platform_section(
    platform: PlatformImage, position: str, now: datetime
) -> list[RenderableType]:
    title = str(platform.platform) if platform.platform else "image"
    parts: list[RenderableType] = [_heading(f"{title}{position}")]
    parts.append(
        _grid(
            [
                ("manifest", platform.digest),
                ("created", format_created(platform.created, now)),
            ]
        )
    )
    if platform.manifest is not None:
        manifest = platform.manifest
        layers = plural(len(manifest.layers), "layer")
        parts.append(Text(f"\n{layers}, config {manifest.config.digest}"))
        parts.append(_layers(manifest))
    if platform.config is None:
        parts.append(Text("no image config (not a container image?)", style="dim"))
        return parts
    rows = _config_rows(platform.config)
    parts.append(Text(""))
    parts.append(_grid(rows) if rows else Text("no entrypoint, cmd or env"))
    if platform.config.history:
        parts.extend([_heading("history"), _history(platform.config)])
    return parts


def render_image(
    repository: str,
    entry: TaggedImage,
    sharing: list[str],
    pull: str,
    *,
    now: datetime,
    picked: int = 0,
) -> RenderableType:
    """Everything about one tag's image; of an index, the platform ``picked``."""
    title = Text(f"{repository}:{entry.tag}", style="bold")
    image = entry.image
    if image is None:
        error = Text(entry.error or "this tag could not be resolved", style="red")
        return Group(title, error)

    parts: list[RenderableType] = [
        title,
        _summary(image, entry.tag, sharing, pull, now),
    ]
    platforms = platforms_of(image)
    if image.is_index:
        parts.extend([_heading("platforms"), _platforms(image, picked)])
    if platforms:
        picked = min(picked, len(platforms) - 1)
        position = ""
        if len(platforms) > 1:
            position = f"  (platform {picked + 1} of {len(platforms)}; p: next)"
        parts.extend(_platform_section(platforms[picked], position, now))
    return Group(*parts)


def _json(raw: bytes) -> Syntax:
    try:
        text = json.dumps(json.loads(raw), indent=2)
    except ValueError:
        text = raw.decode("utf-8", errors="replace")
    return Syntax(
        text, "json", theme="ansi_dark", background_color="default", word_wrap=True
    )


def render_raw(entry: TaggedImage, picked: int = 0) -> RenderableType:
    """The manifest of ``entry`` as highlighted JSON, and of an index its platform's."""
    image = entry.image
    if image is None:
        return Text(entry.error or "this tag could not be resolved", style="red")
    parts: list[RenderableType] = [
        Text(f"manifest {image.digest}", style="bold"),
        _json(image.manifest.raw),
    ]
    platforms = platforms_of(image)
    if image.is_index and platforms:
        platform = platforms[min(picked, len(platforms) - 1)]
        if platform.manifest is not None:
            name = platform.platform or "platform"
            parts.append(_heading(f"{name} manifest {platform.digest}"))
            parts.append(_json(platform.manifest.raw))
    return Group(*parts)
