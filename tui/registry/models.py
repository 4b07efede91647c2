"""The domain model: frozen dataclasses that registry JSON is parsed into once.

Nothing here does I/O. :mod:`tui.registry.manifests` turns bytes into these
objects; :mod:`tui.registry.images` combines them into what the panes and the
CLI show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

__all__ = [
    "ATTESTATION_TYPE",
    "DeleteOutcome",
    "DeletePath",
    "Descriptor",
    "Image",
    "ImageConfig",
    "ImageIndex",
    "ImageManifest",
    "Manifest",
    "Platform",
    "PlatformImage",
    "TaggedImage",
]

ATTESTATION_TYPE = "attestation-manifest"
_REFERENCE_TYPE = "vnd.docker.reference.type"


@dataclass(frozen=True, order=True)
class Platform:
    """An OS and CPU pair, as in ``linux/arm64/v8``."""

    os: str
    architecture: str
    variant: str | None = None

    @property
    def is_unknown(self) -> bool:
        """True for the ``unknown/unknown`` entries buildx uses for attestations."""
        return self.os == "unknown" and self.architecture == "unknown"

    def __str__(self) -> str:
        parts = [self.os, self.architecture]
        if self.variant:
            parts.append(self.variant)
        return "/".join(parts)


@dataclass(frozen=True)
class Descriptor:
    """A pointer to content: media type, digest and size, plus optional extras."""

    media_type: str
    digest: str
    size: int
    platform: Platform | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)
    artifact_type: str | None = None

    @property
    def is_attestation(self) -> bool:
        """Whether this index entry is a buildx attestation manifest."""
        return self.annotations.get(_REFERENCE_TYPE) == ATTESTATION_TYPE


@dataclass(frozen=True)
class ImageManifest:
    """One image (or artifact): a config blob and layers."""

    digest: str
    media_type: str
    raw: bytes
    config: Descriptor
    layers: tuple[Descriptor, ...]
    subject: Descriptor | None = None
    artifact_type: str | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Compressed bytes of the config and layers, each distinct blob once."""
        return sum(d.size for d in self.blobs())

    def blobs(self) -> tuple[Descriptor, ...]:
        """The config and the layers, each distinct digest once."""
        seen: dict[str, Descriptor] = {}
        for descriptor in (self.config, *self.layers):
            seen.setdefault(descriptor.digest, descriptor)
        return tuple(seen.values())


@dataclass(frozen=True)
class ImageIndex:
    """A list of manifests: a multi-platform image, usually with attestations."""

    digest: str
    media_type: str
    raw: bytes
    manifests: tuple[Descriptor, ...]
    subject: Descriptor | None = None
    artifact_type: str | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)

    @property
    def platform_entries(self) -> tuple[Descriptor, ...]:
        """Children that can run: attestations and ``unknown/unknown`` left out."""
        return tuple(
            d
            for d in self.manifests
            if not d.is_attestation and not (d.platform and d.platform.is_unknown)
        )

    @property
    def attestation_entries(self) -> tuple[Descriptor, ...]:
        """Children that are buildx attestations of another child."""
        return tuple(
            d
            for d in self.manifests
            if d.is_attestation or (d.platform is not None and d.platform.is_unknown)
        )


Manifest = ImageManifest | ImageIndex


@dataclass(frozen=True)
class ImageConfig:
    """The parts of an image config blob that people look at."""

    created: datetime | None = None
    os: str | None = None
    architecture: str | None = None
    variant: str | None = None
    cmd: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    exposed_ports: tuple[str, ...] = ()
    working_dir: str | None = None
    user: str | None = None
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformImage:
    """One runnable image: a plain image, or one platform of an index."""

    platform: Platform | None
    digest: str
    size: int
    created: datetime | None
    manifest: ImageManifest | None = None
    config: ImageConfig | None = None


@dataclass(frozen=True)
class Image:
    """What a tag points at, resolved far enough to show sizes, dates and platforms.

    ``size`` is compressed bytes: for an image its config plus layers; for an
    index every distinct blob of every child (attestations included) once.
    ``created`` of an index is the newest ``created`` of its platform images.
    """

    digest: str
    media_type: str
    size: int
    created: datetime | None
    platforms: tuple[PlatformImage, ...]
    manifest: Manifest
    attestations: tuple[Descriptor, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def is_index(self) -> bool:
        """Whether this image is an index of several manifests."""
        return isinstance(self.manifest, ImageIndex)


@dataclass(frozen=True)
class TaggedImage:
    """A tag and the image it points at (``image`` is None while unresolved)."""

    tag: str
    image: Image | None = None
    error: str | None = None


class DeletePath(Enum):
    """How a delete was carried out, so that the user can be told."""

    TAG_DELETE = "tag delete"
    PLACEHOLDER = "placeholder manifest"
    DIGEST_DELETE = "delete by digest"
    LAYOUT = "OCI layout index"


@dataclass(frozen=True)
class DeleteOutcome:
    """What a delete did: the path it took and the tags it removed."""

    path: DeletePath
    digest: str
    removed_tags: tuple[str, ...]
    note: str | None = None
