"""Parsing manifests and image configs from the exact bytes a registry sent.

The digest of a manifest is always taken over the bytes as received, never over
re-serialised JSON: BuildKit indents with three spaces, other tools with none,
and only the original bytes hash to the digest the registry stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from . import mediatypes as mt
from .errors import DigestMismatch, ProtocolError
from .models import (
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Manifest,
    Platform,
)

__all__ = [
    "compute_digest",
    "parse_config",
    "parse_datetime",
    "parse_manifest",
    "verify_digest",
]

_ALGORITHMS = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}


def compute_digest(data: bytes, algorithm: str = "sha256") -> str:
    """``algorithm:hex`` of ``data``."""
    try:
        hasher = _ALGORITHMS[algorithm]
    except KeyError:
        raise ProtocolError(f"unsupported digest algorithm {algorithm!r}") from None
    return f"{algorithm}:{hasher(data).hexdigest()}"


def verify_digest(
    data: bytes,
    digest: str,
    what: object = "content",
    hint: str = "The registry or a proxy changed the content; "
    "destructive actions on it are blocked",
) -> None:
    """Raise :class:`DigestMismatch` unless ``data`` hashes to ``digest``."""
    algorithm = digest.split(":", 1)[0]
    actual = compute_digest(data, algorithm)
    if actual != digest:
        raise DigestMismatch(
            f"{what} does not match its digest: expected {digest}, got {actual}",
            hint=hint,
        )


def parse_manifest(
    raw: bytes, digest: str, content_type: str | None = None
) -> Manifest:
    """Parse manifest bytes into an :class:`ImageManifest` or :class:`ImageIndex`.

    The kind is taken from the document's ``mediaType`` when present, else from
    the ``Content-Type`` header, else from its shape (``manifests`` or ``layers``).
    """
    document = _load_object(raw, "manifest")
    media_type = _media_type(document, content_type)
    subject = _optional_descriptor(document.get("subject"))
    artifact_type = _optional_str(document.get("artifactType"))
    annotations = _string_map(document.get("annotations"))

    if media_type in mt.INDEX_TYPES:
        entries = document.get("manifests") or []
        if not isinstance(entries, list):
            raise ProtocolError("index 'manifests' is not a list")
        return ImageIndex(
            digest=digest,
            media_type=media_type,
            raw=raw,
            manifests=tuple(_descriptor(entry) for entry in entries),
            subject=subject,
            artifact_type=artifact_type,
            annotations=annotations,
        )

    if media_type in mt.MANIFEST_TYPES:
        layers = document.get("layers") or []
        if not isinstance(layers, list):
            raise ProtocolError("manifest 'layers' is not a list")
        return ImageManifest(
            digest=digest,
            media_type=media_type,
            raw=raw,
            config=_descriptor(document.get("config")),
            layers=tuple(_descriptor(layer) for layer in layers),
            subject=subject,
            artifact_type=artifact_type,
            annotations=annotations,
        )

    raise ProtocolError(
        f"unsupported manifest media type {media_type!r}",
        hint="tagyard reads OCI and Docker schema 2 manifests and indexes; "
        "Docker schema 1 was retired by registries in 2019",
    )


def parse_config(raw: bytes) -> ImageConfig:
    """Parse an image config blob; fields that are absent stay empty."""
    document = _load_object(raw, "image config")
    inner = document.get("config")
    runtime: Mapping[str, Any] = inner if isinstance(inner, dict) else {}
    history = document.get("history")
    return ImageConfig(
        created=parse_datetime(document.get("created")),
        os=_optional_str(document.get("os")),
        architecture=_optional_str(document.get("architecture")),
        variant=_optional_str(document.get("variant")),
        cmd=_string_tuple(runtime.get("Cmd")),
        entrypoint=_string_tuple(runtime.get("Entrypoint")),
        env=_string_tuple(runtime.get("Env")),
        labels=_string_map(runtime.get("Labels")),
        exposed_ports=tuple(sorted(_string_map(runtime.get("ExposedPorts")) or {}))
        if isinstance(runtime.get("ExposedPorts"), dict)
        else (),
        working_dir=_optional_str(runtime.get("WorkingDir")) or None,
        user=_optional_str(runtime.get("User")) or None,
        history=tuple(
            str(step.get("created_by", ""))
            for step in (history if isinstance(history, list) else [])
            if isinstance(step, dict)
        ),
    )


def parse_datetime(value: object) -> datetime | None:
    """Parse an RFC 3339 time as written in image configs; None if it is not one.

    Go writes nanoseconds (``2024-01-02T03:04:05.123456789Z``); Python keeps
    microseconds, so the extra digits are cut before parsing.
    """
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:
        head, _, tail = text.partition(".")
        digits = ""
        while tail and tail[0].isdigit():
            digits, tail = digits + tail[0], tail[1:]
        text = f"{head}.{digits[:6].ljust(6, '0')}{tail}" if digits else head + tail
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _load_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        excerpt = raw[:80].decode("utf-8", "replace").strip()
        raise ProtocolError(
            f"the {what} is not valid JSON ({error.__class__.__name__}): {excerpt!r}"
        ) from None
    if not isinstance(document, dict):
        raise ProtocolError(f"the {what} is not a JSON object")
    return document


def _media_type(document: Mapping[str, Any], content_type: str | None) -> str:
    declared = document.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    if content_type:
        header = content_type.split(";", 1)[0].strip()
        if header in mt.INDEX_TYPES or header in mt.MANIFEST_TYPES:
            return header
    if "manifests" in document:
        return mt.OCI_INDEX
    if "layers" in document or "config" in document:
        return mt.OCI_MANIFEST
    if document.get("schemaVersion") == 1:
        return "application/vnd.docker.distribution.manifest.v1+json"
    return str(content_type or "unknown")


def _descriptor(value: object) -> Descriptor:
    if not isinstance(value, dict):
        raise ProtocolError("a descriptor is not a JSON object")
    digest = value.get("digest")
    size = value.get("size")
    if not isinstance(digest, str) or not isinstance(size, int) or size < 0:
        raise ProtocolError(f"a descriptor lacks a valid digest or size: {value!r}")
    platform = value.get("platform")
    return Descriptor(
        media_type=str(value.get("mediaType") or ""),
        digest=digest,
        size=size,
        platform=_platform(platform) if isinstance(platform, dict) else None,
        annotations=_string_map(value.get("annotations")),
        artifact_type=_optional_str(value.get("artifactType")),
    )


def _optional_descriptor(value: object) -> Descriptor | None:
    return _descriptor(value) if isinstance(value, dict) else None


def _platform(value: Mapping[str, Any]) -> Platform:
    return Platform(
        os=str(value.get("os") or "unknown"),
        architecture=str(value.get("architecture") or "unknown"),
        variant=_optional_str(value.get("variant")) or None,
    )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _string_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    if isinstance(value, str):
        return (value,)
    return ()


def _string_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(key): str(item) for key, item in value.items()}
