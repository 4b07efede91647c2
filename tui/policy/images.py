"""The images a policy is evaluated against, as plain data.

A :class:`PolicyImage` is built by whoever knows the repository (the registry
layer, a test, a benchmark); the policy engine only reads it. Times must be
timezone-aware. ``time_source`` says where ``pushed_at`` came from: ECR and
several registries record a real push time (``"push"``); a plain v2 registry
records none, so callers fall back to the image config's ``created``
(``"created"``), which reproducible builds often set to 1970-01-01.

Sizes: ``size`` counts the bytes that only this image references; ``blobs``
names the blobs it may share with other images, and the shared blobs' sizes are
passed to :func:`~tui.policy.evaluate.evaluate` as ``blob_sizes``. A blob that
appears in the ``blobs`` of only one image is taken to be part of that image's
``size`` and is not counted twice. Give an image index the blobs of all its
platform images: index children are never decided on their own, so their bytes
are accounted to the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .model import StorageClass

__all__ = [
    "FIRST_REAL_DATE",
    "PolicyImage",
    "cosign_subject",
    "referrer_subject",
]

FIRST_REAL_DATE = datetime(2013, 3, 20, tzinfo=UTC)
"""Docker's first public release: no image was built or pushed before it."""

_COSIGN_TAG = re.compile(r"sha256-([0-9a-f]{64})\.(?:sig|att|sbom)")


@dataclass(frozen=True)
class PolicyImage:
    """One manifest in a repository, with what a lifecycle policy looks at.

    ``referenced_by_index`` marks a platform image of an index that exists: the
    policy never selects, counts or acts on it. ``subject`` is the digest of the
    image this one refers to (a signature, an SBOM, an attestation); such a
    referrer goes with its subject instead of being selected on its own.
    ``activated_at`` is when an archived image was last restored, which counts
    as a use for ``sinceImagePulled``.
    """

    digest: str
    tags: tuple[str, ...]
    pushed_at: datetime | None
    time_source: str = "push"
    pulled_at: datetime | None = None
    transitioned_at: datetime | None = None
    storage_class: str = StorageClass.STANDARD
    size: int = 0
    blobs: frozenset[str] = frozenset()
    referenced_by_index: bool = False
    subject: str | None = None
    activated_at: datetime | None = None

    def __post_init__(self) -> None:
        # Evaluation matches tags inside one newline-joined string per image;
        # no registry accepts a line break in a tag, so refusing one costs
        # nothing and keeps that matching exact.
        if "\n" in "".join(self.tags):
            raise ValueError(f"a tag of {self.digest} contains a line break")
        for name in ("pushed_at", "pulled_at", "transitioned_at", "activated_at"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"{name} of {self.digest} must be timezone-aware")


def cosign_subject(tag: str) -> str | None:
    """The digest a cosign-convention tag refers to, or None for any other tag.

    Cosign stores signatures, attestations and SBOMs under tags such as
    ``sha256-<64 hex>.sig`` (also ``.att`` and ``.sbom``) naming the image they
    belong to, so ``sha256-ab…cd.sig`` refers to ``sha256:ab…cd``.
    """
    match = _COSIGN_TAG.fullmatch(tag)
    return f"sha256:{match.group(1)}" if match else None


def referrer_subject(image: PolicyImage) -> str | None:
    """The digest ``image`` refers to, from its ``subject`` or a cosign tag.

    An image carrying any cosign-convention tag is treated as a referrer even
    if it also has ordinary tags, because cosign pushes nothing else under
    those tags; with several such tags the first in sorted order wins.
    """
    if image.subject is not None:
        return image.subject
    subjects = sorted(s for s in map(cosign_subject, image.tags) if s is not None)
    return subjects[0] if subjects else None
