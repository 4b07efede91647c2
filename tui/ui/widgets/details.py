"""The details pane: everything known about the image under the tags cursor."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...cli.output import format_created, format_size, short_digest
from ...registry.models import (
    Image,
    ImageConfig,
    ImageManifest,
    PlatformImage,
    TaggedImage,
)

__all__ = ["ImageDetails", "render_details"]


def _grid(rows: Iterable[tuple[str, str | Text]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def _summary(image: Image, tag: str, sharing: list[str], pull: str) -> Table:
    others = [other for other in sharing if other != tag]
    shared = ", ".join(sharing)
    if others:
        shared += f"  ({len(sharing)} tags on this digest)"
    rows: list[tuple[str, str | Text]] = [
        ("digest", image.digest),
        ("media type", image.media_type),
        ("size", format_size(image.size)),
        ("created", format_created(image.created)),
        ("tags", shared),
        ("pull", pull),
    ]
    if image.attestations:
        rows.append(("attestations", str(len(image.attestations))))
    return _grid(rows)


def _platforms(image: Image) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    for column in ("platform", "manifest", "size", "created"):
        table.add_column(column, style="" if column != "platform" else "bold")
    for platform in image.platforms:
        table.add_row(
            str(platform.platform or "-"),
            short_digest(platform.digest),
            format_size(platform.size),
            format_created(platform.created),
        )
    return table


def _layers(manifest: ImageManifest) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    table.add_column("layer")
    table.add_column("size", justify="right")
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


def _platform_section(platform: PlatformImage) -> list[RenderableType]:
    title = str(platform.platform) if platform.platform else "image"
    parts: list[RenderableType] = [_heading(f"{title}  {platform.digest}")]
    if platform.manifest is not None:
        count = len(platform.manifest.layers)
        parts.append(Text(f"{count} layers, config {platform.manifest.config.digest}"))
        parts.append(_layers(platform.manifest))
    if platform.config is not None:
        rows = _config_rows(platform.config)
        parts.append(_grid(rows) if rows else Text("no entrypoint, cmd or env"))
    else:
        parts.append(Text("no image config (not a container image?)", style="dim"))
    return parts


def render_details(
    repository: str, entry: TaggedImage, sharing: list[str], pull: str
) -> RenderableType:
    """Everything about one tag's image, as one Rich renderable."""
    title = Text(f"{repository}:{entry.tag}", style="bold")
    image = entry.image
    if image is None:
        error = Text(entry.error or "this tag could not be resolved", style="red")
        return Group(title, error)

    parts: list[RenderableType] = [title, _summary(image, entry.tag, sharing, pull)]
    if image.is_index:
        parts.extend([_heading("platforms"), _platforms(image)])
    platforms = image.platforms
    if not platforms and isinstance(image.manifest, ImageManifest):
        # An image whose config names no OS has no platform entry, but its
        # layers are still worth showing.
        platforms = (
            PlatformImage(
                None, image.digest, image.size, image.created, image.manifest
            ),
        )
    for platform in platforms:
        parts.extend(_platform_section(platform))
    return Group(*parts)


class ImageDetails(VerticalScroll):
    """A scrollable view of :func:`render_details`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="details.down"),
        Binding("k", "scroll_up", "Up", show=False, id="details.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Static("", markup=False)
        self.shown: TaggedImage | None = None

    def compose(self) -> ComposeResult:
        yield self.content

    def show_image(
        self, repository: str, entry: TaggedImage, sharing: list[str], pull: str
    ) -> None:
        """Show one tag's image and scroll back to the top."""
        self.shown = entry
        self.content.update(render_details(repository, entry, sharing, pull))
        self.scroll_home(animate=False)

    def show_text(self, text: str) -> None:
        """Show a plain line instead of an image."""
        self.shown = None
        self.content.update(text)
