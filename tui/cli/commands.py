"""The headless commands: ``repos``, ``tags``, ``inspect`` and ``rm``.

Each command opens the registry, does its work through the same core the UI
uses, prints to stdout and returns an exit code. Errors propagate as
:class:`~tui.registry.errors.RegistryError` to :mod:`tui.cli.main`, which turns
them into one line on stderr.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TextIO

from ..config import Config
from ..connect import Target, open_registry, parse_target
from ..registry.errors import InvalidReference
from ..registry.images import Inspector
from ..registry.models import TaggedImage
from ..registry.readonly import ReadOnlyError
from .output import (
    format_created,
    format_size,
    image_json,
    short_digest,
    table,
    tag_json,
)

__all__ = [
    "ask",
    "inspect_image",
    "list_repositories",
    "list_tags",
    "repository_target",
]

Confirm = Callable[[str], bool]


async def list_repositories(
    text: str, config: Config, *, as_json: bool, insecure: bool, out: TextIO
) -> int:
    """Print every repository of a registry."""
    target = parse_target(text, registry_only=not text.startswith("oci:"))
    registry = open_registry(target, config, insecure=insecure)
    try:
        names = await registry.repositories()
    finally:
        await registry.aclose()
    if as_json:
        json.dump(names, out, indent=2)
        out.write("\n")
    else:
        out.writelines(f"{name}\n" for name in names)
    return 0


async def list_tags(
    text: str, config: Config, *, as_json: bool, insecure: bool, out: TextIO
) -> int:
    """Print every tag of a repository with digest, size, date and platforms."""
    target = repository_target(text)
    registry = open_registry(target, config, insecure=insecure)
    try:
        assert target.repository is not None
        entries = await Inspector(registry).tagged_images(target.repository)
    finally:
        await registry.aclose()
    if as_json:
        json.dump([tag_json(entry) for entry in entries], out, indent=2)
        out.write("\n")
        return 0 if all(e.image for e in entries) else 1
    out.write(_tags_table(entries) + "\n")
    return 0 if all(e.image for e in entries) else 1


async def inspect_image(
    text: str, config: Config, *, as_json: bool, insecure: bool, out: TextIO
) -> int:
    """Print one image: digest, size, platforms, layers and config."""
    target = repository_target(text)
    reference = target.reference or "latest"
    registry = open_registry(target, config, insecure=insecure)
    try:
        assert target.repository is not None
        inspector = Inspector(registry)
        image = await inspector.image(target.repository, reference)
        tags = await inspector.tags_sharing(target.repository, image.digest)
    finally:
        await registry.aclose()
    separator = "@" if reference.startswith(("sha256:", "sha512:")) else ":"
    full = f"{target.registry}/{target.repository}{separator}{reference}"
    if as_json:
        json.dump(image_json(image, full, tags), out, indent=2)
        out.write("\n")
        return 0
    out.write(_image_text(image_json(image, full, tags)))
    return 0


def refuse_if_read_only(command: str, read_only: bool, config: Config) -> None:
    """Stop a changing command before it starts when tagyard runs read-only."""
    if read_only or config.read_only:
        raise ReadOnlyError(
            f"tagyard runs read-only: {command} is refused",
            hint="Drop --read-only (or read_only = true in the config) to change "
            "anything",
        )


def repository_target(text: str) -> Target:
    target = parse_target(text)
    if target.repository is None:
        raise InvalidReference(
            f"{text} names a registry, not a repository",
            hint="Write HOST/REPOSITORY, for example 127.0.0.1:5000/team/app",
        )
    return target


def _tags_table(entries: list[TaggedImage]) -> str:
    by_digest: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if entry.image:
            by_digest[entry.image.digest].append(entry.tag)
    rows = []
    for entry in entries:
        image = entry.image
        if image is None:
            rows.append([entry.tag, "-", "-", "-", "-", f"error: {entry.error}"])
            continue
        others = [tag for tag in by_digest[image.digest] if tag != entry.tag]
        platforms = ", ".join(str(p.platform) for p in image.platforms if p.platform)
        rows.append(
            [
                entry.tag,
                short_digest(image.digest),
                format_size(image.size),
                format_created(image.created),
                platforms or "-",
                f"same image as {', '.join(others)}" if others else "",
            ]
        )
    return table(["TAG", "DIGEST", "SIZE", "CREATED", "PLATFORMS", "SHARED"], rows)


def _image_text(data: dict[str, Any]) -> str:
    lines = [
        _field("Reference", data["reference"]),
        _field("Digest", data["digest"]),
        _field("Media type", data["media_type"]),
        _field("Size", format_size(data["size"])),
        _field("Created", data["created"] or "-"),
        _field("Tags", ", ".join(data["tags"]) or "-"),
        *(_field("Warning", warning) for warning in data["warnings"]),
    ]
    for platform in data["platforms"]:
        name = "/".join(
            part
            for part in (platform["os"], platform["architecture"], platform["variant"])
            if part
        )
        config = platform.get("image_config") or {}
        lines.append("")
        lines.append(f"Platform {name or '-'}  {platform['digest']}")
        lines.append(_field("  Size", format_size(platform["size"])))
        for key, label in (("entrypoint", "  Entrypoint"), ("cmd", "  Cmd")):
            if config.get(key):
                lines.append(_field(label, json.dumps(config[key])))
        layers = platform.get("layers", [])
        for number, layer in enumerate(layers, start=1):
            label = f"  Layer {number}/{len(layers)}"
            lines.append(
                _field(label, f"{layer['digest']}  {format_size(layer['size'])}")
            )
    return "\n".join(lines) + "\n"


def _field(label: str, value: str) -> str:
    return f"{label + ':':<16}{value}"


def ask(prompt: str) -> bool:
    """Ask on the terminal; with no terminal, the answer is no."""
    if not sys.stdin.isatty():
        print("tagyard: no terminal to confirm on; pass --yes", file=sys.stderr)
        return False
    try:
        return input(prompt).strip().lower() in ("y", "yes")
    except EOFError:
        return False
