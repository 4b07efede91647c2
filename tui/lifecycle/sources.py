"""What a lifecycle policy is evaluated against: a repository as policy images.

Two sources. A live repository on any registry, read through the registry core:
one :class:`~tui.policy.PolicyImage` per distinct manifest with all its tags,
index children marked so that the policy never touches them, referrers tied to
their subject. A plain v2 registry records no push time, so the image config's
``created`` stands in for it (and the preview says so); it cannot list untagged
manifests either, which the snapshot's notes say instead of silently ignoring
untagged rules. An OCI layout lists its untagged manifests.

And an ECR ``describe-images`` export (``aws ecr describe-images`` output, one
or several pages, concatenated or not), which carries ECR's own push, pull and
archive times.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..policy import PolicyImage
from ..registry.errors import RegistryError
from ..registry.images import Inspector
from ..registry.manifests import parse_datetime
from ..registry.models import Image, ImageIndex, ImageManifest, Manifest

__all__ = ["ExportError", "Snapshot", "from_describe_images", "from_repository"]


class ExportError(RegistryError):
    """A describe-images export that cannot be read."""


@dataclass(frozen=True)
class Snapshot:
    """A repository's images as the policy engine sees them."""

    repository: str
    images: tuple[PolicyImage, ...]
    blob_sizes: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    lists_untagged: bool = True


async def from_repository(
    inspector: Inspector, repository: str, *, catalogued: bool = True
) -> Snapshot:
    """Read a live repository (every tag, and untagged manifests where listable).

    ``catalogued`` says the name came from the registry's catalog, where an
    unknown repository is one whose tags were all deleted; a name someone typed
    that the registry does not know is an error instead.
    """
    entries = await inspector.tagged_images(repository, catalogued=catalogued)
    notes = [f"tag {e.tag} was skipped: {e.error}" for e in entries if e.image is None]
    images: dict[str, Image] = {}
    tags: dict[str, list[str]] = {}
    for entry in entries:
        if entry.image is not None:
            images[entry.image.digest] = entry.image
            tags.setdefault(entry.image.digest, []).append(entry.tag)

    lister = getattr(inspector.registry, "untagged", None)
    untagged = await lister(repository) if lister is not None else None
    lists_untagged = untagged is not None
    if untagged is not None:
        for digest in untagged:
            if digest not in images:
                images[digest] = await inspector.image(repository, digest)
    else:
        notes.append(
            f"{inspector.registry.name} cannot list untagged manifests through the "
            "registry API: rules with tagStatus untagged or any see only tagged "
            "images here"
        )

    children = {
        entry.digest
        for image in images.values()
        if isinstance(image.manifest, ImageIndex)
        for entry in image.manifest.manifests
    }
    sizes: dict[str, int] = {}
    blobs: dict[str, set[str]] = {}
    for digest, image in images.items():
        found = await _blob_sizes(inspector, repository, image.manifest)
        sizes.update(found)
        blobs[digest] = set(found)
    references = Counter(blob for owned in blobs.values() for blob in owned)

    policy_images = []
    for digest, image in images.items():
        owned = blobs[digest]
        policy_images.append(
            PolicyImage(
                digest=digest,
                tags=tuple(sorted(tags.get(digest, []))),
                pushed_at=image.created,
                time_source="created",
                size=sum(sizes[b] for b in owned if references[b] == 1),
                blobs=frozenset(owned),
                referenced_by_index=digest in children,
                subject=_subject(image.manifest),
            )
        )
    if any(image.created is None for image in images.values()):
        notes.append("some images have no creation date in their config")
    return Snapshot(
        repository=repository,
        images=tuple(policy_images),
        blob_sizes={b: s for b, s in sizes.items() if references[b] > 1},
        notes=tuple(notes),
        lists_untagged=lists_untagged,
    )


def from_describe_images(text: str, repository: str | None = None) -> Snapshot:
    """Read ``aws ecr describe-images`` output: one JSON document or several."""
    details: list[dict[str, Any]] = []
    decoder = json.JSONDecoder()
    position = 0
    text = text.strip()
    while position < len(text):
        try:
            document, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ExportError(
                f"the describe-images export is not JSON near character {error.pos}",
                hint="Save the output of 'aws ecr describe-images --output json'",
            ) from None
        page = document.get("imageDetails") if isinstance(document, dict) else None
        if not isinstance(page, list):
            raise ExportError(
                "the describe-images export has no 'imageDetails' list",
                hint="Save the output of 'aws ecr describe-images --output json'",
            )
        details.extend(d for d in page if isinstance(d, dict))
        position = end
        while position < len(text) and text[position].isspace():
            position += 1

    names = {str(d.get("repositoryName")) for d in details if d.get("repositoryName")}
    images: dict[str, PolicyImage] = {}
    for detail in details:
        digest = detail.get("imageDigest")
        if not isinstance(digest, str) or digest in images:
            continue
        archived = str(detail.get("imageStatus", "")).upper() == "ARCHIVED"
        images[digest] = PolicyImage(
            digest=digest,
            tags=tuple(sorted(str(t) for t in detail.get("imageTags") or [])),
            pushed_at=_ecr_time(detail.get("imagePushedAt")),
            time_source="push",
            pulled_at=_ecr_time(detail.get("lastRecordedPullTime")),
            transitioned_at=_ecr_time(detail.get("lastArchivedAt")),
            activated_at=_ecr_time(detail.get("lastActivatedAt")),
            storage_class="archive" if archived else "standard",
            size=int(detail.get("imageSizeInBytes") or 0),
        )
    notes = [
        "the export does not say which untagged images belong to an image index; "
        "ECR never expires those while their index exists"
    ]
    return Snapshot(
        repository=repository or (names.pop() if len(names) == 1 else "(export)"),
        images=tuple(images.values()),
        notes=tuple(notes),
    )


def _ecr_time(value: object) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    return parse_datetime(value)


def _subject(manifest: Manifest) -> str | None:
    return manifest.subject.digest if manifest.subject is not None else None


async def _blob_sizes(
    inspector: Inspector, repository: str, manifest: Manifest
) -> dict[str, int]:
    """Every blob of a manifest, an index's children (attestations too) included."""
    if isinstance(manifest, ImageManifest):
        return {blob.digest: blob.size for blob in manifest.blobs()}
    sizes: dict[str, int] = {}
    for entry in manifest.manifests:
        try:
            child = await inspector.manifest(repository, entry.digest)
        except RegistryError:
            continue
        sizes.update(await _blob_sizes(inspector, repository, child))
    return sizes
