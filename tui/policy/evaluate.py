"""Evaluating a lifecycle policy over a repository, exactly as ECR does.

Each rule is judged on its own over the whole repository: it *selects* images
(storage class, tag status, tags) and, among those, names *candidates* (beyond
the newest N, or older than N days). The first rule in priority order whose
selection matches an image decides for it alone: the image is acted on if it is
that rule's candidate, and kept otherwise, whatever lower rules think. Lower
rules still count it, so it fills their keep-N slots. Platform images of an
index are never selected or counted. A referrer is not selected either: it
takes whatever happens to the image it refers to, a move to the archive
included, and is kept, with a warning, when that image is not in the list.

Times. "More than N days" is exact elapsed time, strictly greater. For
``imageCountMoreThan``, images are ranked newest first by push time; among
equal times the smaller digest counts as the newer, so that results are
repeatable, and a warning says when such a tie straddles a keep boundary.

Unknown times. A push time that is missing, or earlier than 2013-03-20
(reproducible builds often set ``created`` to 1970-01-01), is treated as
unknown, never as the oldest: the image is still selected, so it still protects itself
from lower rules, but a rule that needs its push time keeps it, and for
``imageCountMoreThan`` it neither fills a keep slot nor becomes a candidate. A
warning names each such image. ``sinceImagePulled`` uses the last pull (or the
last restore from the archive, if later) and falls back to the push time for
an image never pulled; ``sinceImageTransitioned`` keeps an archived image whose
archive time is not recorded.

Limitation: the engine is told only *that* an image belongs to an index, not
to which one, so a platform image is kept even when its index expires; its
bytes are counted through the index's ``blobs`` instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from .images import PolicyImage
from .judge import EvaluatedImages, Verdicts
from .model import ActionType, Policy, Rule
from .preview import Decision, KeepKind, KeepReason, Preview, PreviewWarning, image_name

__all__ = ["evaluate"]

_NOT_SELECTED = KeepReason(KeepKind.NOT_SELECTED)


class _Decider:
    """Turns the verdict of the first rule selecting an image into a Decision.

    Reasons are shared between images: a repository has few distinct ones, and
    building one object per image would dominate the time of a large preview.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self.verdicts: list[Verdicts] = []
        self.owner: dict[int, int] = {}
        self.protected_from: defaultdict[int, tuple[int, ...]] = defaultdict(tuple)
        self._reasons: dict[tuple[int, KeepKind, tuple[int, ...]], KeepReason] = {}

    def add(self, verdicts: Verdicts) -> None:
        """Take the verdicts of the next rule in priority order."""
        position = len(self.verdicts)
        owner, priority = self.owner, self.rules[position].priority
        for i in verdicts.keys() & owner.keys():
            if verdicts[i] is None and self.verdicts[owner[i]][i] is not None:
                self.protected_from[i] += (priority,)
        owner.update(dict.fromkeys(verdicts.keys() - owner.keys(), position))
        self.verdicts.append(verdicts)

    def decide(
        self, images: list[PolicyImage], evaluated: list[int]
    ) -> list[Decision | None]:
        """A decision for each evaluated image, None for every other image."""
        decisions: list[Decision | None] = [None] * len(images)
        owner, reason = self.owner, self._reason
        for position, verdicts in enumerate(self.verdicts):
            rule = self.rules[position]
            action, priority = rule.action, rule.priority
            target = rule.target_storage_class
            for i, verdict in verdicts.items():
                if owner[i] != position:
                    continue
                if verdict is None:
                    decisions[i] = Decision(images[i], action, priority, target)
                else:
                    kept = reason(position, verdict, i)
                    decisions[i] = Decision(images[i], None, None, None, kept)
        for i in evaluated:
            if decisions[i] is None:
                decisions[i] = Decision(images[i], None, None, None, _NOT_SELECTED)
        return decisions

    def _reason(self, position: int, verdict: KeepKind, i: int) -> KeepReason:
        protected_from = self.protected_from.get(i, ())
        key = (position, verdict, protected_from)
        reason = self._reasons.get(key)
        if reason is None:
            rule = self.rules[position]
            reason = self._reasons[key] = KeepReason(
                KeepKind.PROTECTED if protected_from else verdict,
                rule.priority,
                rule.count_type,
                rule.count_number,
                basis=verdict if protected_from else None,
                protected_from=protected_from,
            )
        return reason


def _follow_subjects(repo: EvaluatedImages, decisions: list[Decision | None]) -> None:
    """Give every referrer the fate of the image it refers to."""

    def resolve(i: int, seen: frozenset[int]) -> Decision:
        image, subject = repo.images[i], repo.referrers[i]
        kept = Decision(image, reason=KeepReason(KeepKind.REFERRER, subject=subject))
        j = repo.position.get(subject)
        if j is None:
            repo.warnings.append(
                PreviewWarning(
                    f"{image_name(image)} refers to {subject}, which is not in the "
                    "repository; it is kept",
                    image.digest,
                )
            )
            return kept
        target = decisions[j]
        if target is None and j in seen:
            return kept
        if target is None:
            target = decisions[j] = resolve(j, seen | {j})
        if target.kept:
            return kept
        return Decision(
            image,
            target.action,
            target.rule,
            target.target_storage_class,
            follows=subject,
        )

    for i in repo.referrers:
        if decisions[i] is None:
            decisions[i] = resolve(i, frozenset({i}))


def _bytes_freed(decisions: list[Decision], blob_sizes: Mapping[str, int]) -> int:
    freed = 0
    expiring: list[PolicyImage] = []
    others: list[PolicyImage] = []
    kept: set[str] = set()
    for decision in decisions:
        image = decision.image
        if image.referenced_by_index:
            others.append(image)
        elif decision.action is ActionType.EXPIRE:
            freed += image.size
            expiring.append(image)
        else:
            kept.update(image.blobs)
    if not blob_sizes:
        return freed

    # Only expiring images and index children can reference a blob no kept
    # image references, so counting references among them is enough. A blob
    # just one image lists is already inside that image's size.
    references = Counter(blob for image in expiring + others for blob in image.blobs)
    gone = {blob for image in expiring for blob in image.blobs} - kept
    return freed + sum(blob_sizes.get(b, 0) for b in gone if references[b] > 1)


def evaluate(
    policy: Policy,
    images: Iterable[PolicyImage],
    at: datetime,
    *,
    blob_sizes: Mapping[str, int] | None = None,
) -> Preview:
    """What ``policy`` would do to ``images`` if ECR applied it at ``at``.

    ``blob_sizes`` maps the digests of blobs that images share to their sizes,
    so that a shared blob counts towards the bytes freed once, and only when
    every image that references it expires.

    Raises:
        ValueError: ``at`` is not timezone-aware, or a digest is given twice.
    """
    if at.utcoffset() is None:
        raise ValueError("the evaluation instant must be timezone-aware")
    repo = EvaluatedImages(list(images), at)

    decider = _Decider(policy.rules)
    for rule in policy.rules:
        decider.add(repo.judge(rule))

    decisions = decider.decide(repo.images, repo.evaluated)
    for i, image in enumerate(repo.images):
        if image.referenced_by_index:
            decisions[i] = Decision(image, reason=KeepReason(KeepKind.INDEX_CHILD))
    _follow_subjects(repo, decisions)

    final = [decision for decision in decisions if decision is not None]
    return Preview(
        at=at,
        decisions=tuple(final),
        bytes_freed=_bytes_freed(final, blob_sizes or {}),
        warnings=tuple(repo.warnings),
    )
