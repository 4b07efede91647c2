"""Rendering images for the terminal and for JSON consumers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import humanize

from ..registry.models import Image, ImageManifest, PlatformImage, TaggedImage
from ..registry.reference import short_digest

__all__ = [
    "format_created",
    "format_size",
    "image_json",
    "platform_json",
    "short_digest",
    "table",
    "tag_json",
]


def format_size(size: int | None) -> str:
    """A size in decimal units, as registries and docker show them."""
    return "-" if size is None else humanize.naturalsize(size)


def format_created(created: datetime | None, now: datetime | None = None) -> str:
    """A date with how long ago it was: ``2024-05-01 (7 months ago)``."""
    if created is None:
        return "-"
    now = now or datetime.now(UTC)
    if created.year < 1980:
        return f"{created:%Y-%m-%d} (not a real date)"
    return f"{created:%Y-%m-%d %H:%M} ({humanize.naturaltime(now - created)})"


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def platform_json(platform: PlatformImage) -> dict[str, Any]:
    """One runnable platform of an image."""
    info = platform.platform
    return {
        "os": info.os if info else None,
        "architecture": info.architecture if info else None,
        "variant": info.variant if info else None,
        "digest": platform.digest,
        "size": platform.size,
    }


def tag_json(entry: TaggedImage) -> dict[str, Any]:
    """A tag as ``tagyard tags --json`` prints it."""
    image = entry.image
    if image is None:
        return {"tag": entry.tag, "error": entry.error}
    return {
        "tag": entry.tag,
        "digest": image.digest,
        "media_type": image.media_type,
        "size": image.size,
        "created": iso(image.created),
        "platforms": [platform_json(p) for p in image.platforms],
    }


def image_json(image: Image, reference: str, tags: Sequence[str]) -> dict[str, Any]:
    """An image with its layers and config, as ``tagyard inspect --json`` prints it."""
    platforms = []
    for platform in image.platforms:
        entry = platform_json(platform)
        entry["created"] = iso(platform.created)
        manifest: ImageManifest | None = platform.manifest
        if manifest is not None:
            entry["media_type"] = manifest.media_type
            entry["config"] = {
                "digest": manifest.config.digest,
                "size": manifest.config.size,
            }
            entry["layers"] = [
                {"media_type": d.media_type, "digest": d.digest, "size": d.size}
                for d in manifest.layers
            ]
        config = platform.config
        if config is not None:
            entry["image_config"] = {
                "cmd": list(config.cmd),
                "entrypoint": list(config.entrypoint),
                "env": list(config.env),
                "labels": dict(config.labels),
                "exposed_ports": list(config.exposed_ports),
                "working_dir": config.working_dir,
                "user": config.user,
            }
        platforms.append(entry)
    return {
        "reference": reference,
        "digest": image.digest,
        "media_type": image.media_type,
        "size": image.size,
        "created": iso(image.created),
        "tags": list(tags),
        "platforms": platforms,
        "attestations": [d.digest for d in image.attestations],
        "warnings": list(image.warnings),
    }


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in (headers, *rows):
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)
