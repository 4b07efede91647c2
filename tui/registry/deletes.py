"""Deletes without surprises: see everything a delete takes, journal it, send it.

:func:`plan_delete` computes a delete's blast radius before anything is sent:
the tags that go and the tags that stay, an index's children, the indexes in the
repository that still reference the manifest (a delete they would break is
refused unless forced), and the signatures, attestations and SBOMs that would
be orphaned. :class:`Deleter` carries plans out, each one recorded in the
:class:`~tui.registry.journal.Journal` and flushed to disk before its request
leaves, so that :mod:`tui.registry.undo` can put it back.

Referrers are found through the OCI 1.1 referrers API where the registry has
it, through the ``sha256-<hex>`` tag fallback, and through cosign's
``sha256-<hex>.sig`` / ``.att`` / ``.sbom`` tags. Referrers that only a
registry-specific API would reveal are not found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .backend import Registry
from .errors import RegistryError, UnsafeDelete
from .images import Inspector
from .journal import Journal, SavedManifest
from .models import DeleteOutcome, ImageIndex, Manifest
from .reference import short_digest

__all__ = ["FORCE_HINT", "DeletePlan", "Deleter", "Referrer", "plan_delete"]

_COSIGN_TAG = re.compile(r"^(sha256)-([a-f0-9]{64})(?:\.(sig|att|sbom))?$")
_HTTP_TAG_PATH = (
    "the registry's tag delete where it has one; otherwise the tag is moved onto "
    "a small placeholder manifest, which is then deleted."
)
FORCE_HINT = "Delete the index first, or pass --force to delete anyway"
_COSIGN_KINDS = {
    "sig": "signature",
    "att": "attestation",
    "sbom": "SBOM",
    None: "referrers",
}


@dataclass(frozen=True)
class Referrer:
    """An artifact that points at an image: a signature, attestation or SBOM."""

    digest: str
    kind: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeletePlan:
    """Everything one delete would do, computed before it is sent."""

    registry: str
    repository: str
    digest: str
    manifest: Manifest
    tag: str | None
    removed_tags: tuple[str, ...]
    surviving_tags: tuple[str, ...]
    parents: tuple[tuple[str, tuple[str, ...]], ...] = ()
    referrers: tuple[Referrer, ...] = ()
    blocked: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    tag_path: str = _HTTP_TAG_PATH

    @property
    def action(self) -> str:
        """``tag`` for removing one tag, ``image`` for deleting by digest."""
        return "tag" if self.tag else "image"

    @property
    def children(self) -> tuple[str, ...]:
        """The digests an index lists (empty for a plain image)."""
        if isinstance(self.manifest, ImageIndex):
            return tuple(entry.digest for entry in self.manifest.manifests)
        return ()

    def describe(self) -> list[str]:
        """The plan as sentences, for a confirmation or the ``rm`` output."""
        short = short_digest(self.digest)
        lines = []
        if self.tag:
            lines.append(f"Remove the tag {self.repository}:{self.tag} ({short}).")
            if self.surviving_tags:
                lines.append(
                    "These tags on the same image stay: "
                    + ", ".join(self.surviving_tags)
                    + "."
                )
            else:
                lines.append(
                    "It is the image's last tag: the image stays in the repository "
                    "untagged (delete it by digest to remove it too)."
                )
            lines.append(f"Path: {self.tag_path}")
        else:
            lines.append(f"Delete the image {self.repository}@{self.digest}.")
            lines.append(
                "It takes these tags with it: " + ", ".join(self.removed_tags) + "."
                if self.removed_tags
                else "No tag points at it."
            )
            lines.append("Path: delete by digest.")
        if self.children and not self.tag:
            lines.append(
                f"It is an index of {len(self.children)} manifests; they stay in the "
                "repository untagged and are saved in the journal."
            )
        for parent, tags in self.parents:
            label = ", ".join(tags) if tags else "untagged"
            lines.append(f"Referenced by the index {short_digest(parent)} ({label}).")
        for referrer in self.referrers:
            label = f" ({', '.join(referrer.tags)})" if referrer.tags else ""
            lines.append(
                f"Its {referrer.kind} {short_digest(referrer.digest)}{label} would be "
                "left without its image."
            )
        lines.extend(self.notes)
        if self.blocked:
            lines.append(f"Refused: {self.blocked}. Delete the index first.")
        return lines


async def plan_delete(
    inspector: Inspector,
    repository: str,
    *,
    tag: str | None = None,
    digest: str | None = None,
) -> DeletePlan:
    """The blast radius of deleting ``tag`` (only it) or ``digest`` (the image)."""
    if (tag is None) == (digest is None):
        raise ValueError("plan_delete takes a tag or a digest, not both")
    registry = inspector.registry
    by_tag = await inspector.digests_by_tag(repository)
    if tag is not None:
        target = by_tag.get(tag) or await registry.resolve(repository, tag)
    else:
        assert digest is not None
        target = digest
    manifest = await inspector.manifest(repository, target)
    sharing = tuple(sorted(t for t, d in by_tag.items() if d == target))

    parents = []
    referrers: dict[str, Referrer] = {}
    for other in sorted(set(by_tag.values()) - {target}):
        try:
            candidate = await inspector.manifest(repository, other)
        except RegistryError:
            continue
        tags_of = tuple(sorted(t for t, d in by_tag.items() if d == other))
        if isinstance(candidate, ImageIndex) and any(
            entry.digest == target for entry in candidate.manifests
        ):
            parents.append((other, tags_of))
        if candidate.subject is not None and candidate.subject.digest == target:
            kind = candidate.artifact_type or "referrer"
            referrers[other] = Referrer(other, kind, tags_of)
    for referrer in _cosign_referrers(by_tag, target):
        referrers.setdefault(referrer.digest, referrer)
    for referrer in await _api_referrers(registry, repository, target, by_tag):
        referrers.setdefault(referrer.digest, referrer)

    blocked = None
    if tag is None:
        tagged = [p for p in parents if p[1]]
        if tagged:
            names = "; ".join(f"{short_digest(d)} ({', '.join(t)})" for d, t in tagged)
            blocked = (
                f"the tagged index {names} still references it, and pulling that "
                "index would fail"
            )
    return DeletePlan(
        registry=registry.name,
        repository=repository,
        digest=target,
        manifest=manifest,
        tag=tag,
        removed_tags=(tag,) if tag else sharing,
        surviving_tags=tuple(t for t in sharing if t != tag) if tag else (),
        parents=tuple(parents),
        referrers=tuple(referrers.values()),
        blocked=blocked,
        tag_path=getattr(registry, "tag_delete_path", _HTTP_TAG_PATH),
    )


def _cosign_referrers(by_tag: dict[str, str], target: str) -> list[Referrer]:
    found = []
    for tag, digest in sorted(by_tag.items()):
        match = _COSIGN_TAG.match(tag)
        if match and f"{match.group(1)}:{match.group(2)}" == target:
            found.append(Referrer(digest, _COSIGN_KINDS[match.group(3)], (tag,)))
    return found


async def _api_referrers(
    registry: Registry, repository: str, target: str, by_tag: dict[str, str]
) -> list[Referrer]:
    lister = getattr(registry, "referrers", None)
    if lister is None:
        return []
    try:
        descriptors = await lister(repository, target)
    except RegistryError:
        return []
    found = []
    for descriptor in descriptors or []:
        tags = tuple(sorted(t for t, d in by_tag.items() if d == descriptor.digest))
        kind = descriptor.artifact_type or "referrer"
        found.append(Referrer(descriptor.digest, kind, tags))
    return found


Progress = Callable[[int, int, DeletePlan], None]


class Deleter:
    """Carries out delete plans, journaling each one before its request is sent."""

    def __init__(self, inspector: Inspector, journal: Journal) -> None:
        self.inspector = inspector
        self.journal = journal

    async def run(self, plan: DeletePlan, *, force: bool = False) -> DeleteOutcome:
        """Carry out one plan; refuses a blocked plan unless ``force``."""
        if plan.blocked and not force:
            raise UnsafeDelete(f"refused: {plan.blocked}", hint=FORCE_HINT)
        registry = self.inspector.registry
        children = await self._saved_children(plan)
        entry = self.journal.record_delete(
            registry=registry.name,
            repository=plan.repository,
            action=plan.action,
            manifest=SavedManifest(
                plan.digest, plan.manifest.media_type, plan.manifest.raw
            ),
            tags=plan.removed_tags,
            children=children,
        )
        try:
            if plan.tag:
                outcome = await registry.delete_tag(plan.repository, plan.tag)
            else:
                outcome = await registry.delete_manifest(plan.repository, plan.digest)
        except RegistryError as error:
            self.journal.record_result(entry, ok=False, note=str(error))
            raise
        self.journal.record_result(
            entry, ok=True, path=outcome.path.value, note=outcome.note
        )
        if not outcome.removed_tags:
            outcome = DeleteOutcome(
                outcome.path, outcome.digest, plan.removed_tags, outcome.note
            )
        return outcome

    async def _saved_children(self, plan: DeletePlan) -> tuple[SavedManifest, ...]:
        saved = []
        for digest in plan.children:
            try:
                child = await self.inspector.manifest(plan.repository, digest)
            except RegistryError:
                continue
            saved.append(SavedManifest(child.digest, child.media_type, child.raw))
        return tuple(saved)
