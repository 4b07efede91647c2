"""What applying a policy would do: one decision per image, and why.

:class:`Preview` is what :func:`~tui.policy.evaluate.evaluate` returns. It
holds a :class:`Decision` for every image, acted on or kept, with a
structured :class:`KeepReason` for the kept ones and a sentence for people.
:func:`preview_to_ecr_json` renders it in the shape of ECR's
``GetLifecyclePolicyPreview`` response, with this program's additions under
keys ECR does not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property

from .images import PolicyImage
from .model import ActionType, CountType, StorageClass

__all__ = [
    "Decision",
    "KeepKind",
    "KeepReason",
    "Preview",
    "PreviewWarning",
    "image_name",
    "preview_to_ecr_json",
]


class KeepKind(StrEnum):
    """Why an image is kept."""

    PROTECTED = "protected"
    WITHIN_NEWEST = "within-newest"
    NOT_OLD_ENOUGH = "not-old-enough"
    TIME_UNKNOWN = "time-unknown"
    NOT_SELECTED = "not-selected"
    INDEX_CHILD = "index-child"
    REFERRER = "referrer"


_AGE_OF = {
    CountType.SINCE_IMAGE_PUSHED: "pushed",
    CountType.SINCE_IMAGE_PULLED: "last pulled (or pushed, if never pulled)",
    CountType.SINCE_IMAGE_TRANSITIONED: "moved to the archive",
}
_TIME_OF = {
    CountType.IMAGE_COUNT_MORE_THAN: "real push time",
    CountType.SINCE_IMAGE_PUSHED: "real push time",
    CountType.SINCE_IMAGE_PULLED: "last pull time and no real push time",
    CountType.SINCE_IMAGE_TRANSITIONED: "recorded archive time",
}


def _count(number: int | None, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass(frozen=True)
class KeepReason:
    """Why an image is kept, in a form the UI can sort and filter on.

    ``rule`` is the ``rulePriority`` of the first rule whose selection matches
    the image: that rule alone decides. ``count_type`` and ``count_number`` are
    that rule's. For ``PROTECTED``, ``basis`` is why that rule keeps the image
    and ``protected_from`` lists the lower rules that would have acted on it.
    ``subject`` is the image a referrer goes with.
    """

    kind: KeepKind
    rule: int | None = None
    count_type: CountType | None = None
    count_number: int | None = None
    basis: KeepKind | None = None
    protected_from: tuple[int, ...] = ()
    subject: str | None = None

    def _rule_reason(self, kind: KeepKind | None) -> str:
        count, rule = self.count_number, self.rule
        if kind is KeepKind.WITHIN_NEWEST:
            return f"within the newest {_count(count, 'image')} of rule {rule}"
        if kind is KeepKind.NOT_OLD_ENOUGH and self.count_type is not None:
            age = _AGE_OF[self.count_type]
            return f"{age} no more than {_count(count, 'day')} ago (rule {rule})"
        time = _TIME_OF[self.count_type] if self.count_type else "usable time"
        return f"rule {rule} cannot judge it: it has no {time}"

    def __str__(self) -> str:
        kind = self.kind
        if kind is KeepKind.PROTECTED:
            lower = ", ".join(str(rule) for rule in self.protected_from)
            rules = "rules" if len(self.protected_from) > 1 else "rule"
            return (
                f"protected by rule {self.rule}, whose selection matches it first "
                f"({self._rule_reason(self.basis)}); {rules} {lower} would act on "
                "it otherwise"
            )
        if kind is KeepKind.NOT_SELECTED:
            return "selected by no rule"
        if kind is KeepKind.INDEX_CHILD:
            return "not evaluated: it is a platform image of an image index"
        if kind is KeepKind.REFERRER:
            return f"not evaluated on its own: it refers to {self.subject}"
        return self._rule_reason(kind)


@dataclass(frozen=True)
class Decision:
    """What happens to one image: an action by a rule, or a reason to keep it.

    ``follows`` is set on a referrer acted on because its subject is.
    """

    image: PolicyImage
    action: ActionType | None = None
    rule: int | None = None
    target_storage_class: StorageClass | None = None
    reason: KeepReason | None = None
    follows: str | None = None

    @property
    def kept(self) -> bool:
        """Whether the policy leaves this image where it is."""
        return self.action is None

    @property
    def text(self) -> str:
        """The decision as a sentence, naming the rule and the time source."""
        if self.action is ActionType.EXPIRE:
            text = f"expire (rule {self.rule})"
        elif self.action is ActionType.TRANSITION:
            text = f"move to {self.target_storage_class} (rule {self.rule})"
        else:
            text = f"keep: {self.reason}"
        if self.follows:
            text = f"{text}, with the image it refers to, {self.follows}"
        judged = self.reason is None or self.reason.rule is not None
        uses_time = judged and self.follows is None
        if uses_time and self.image.time_source != "push":
            text = f"{text}; push time taken from {self.image.time_source}"
        return text


@dataclass(frozen=True)
class PreviewWarning:
    """Something the preview could not decide cleanly, for the user to know."""

    message: str
    digest: str | None = None
    rule: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Preview:
    """The outcome of evaluating a policy at one instant over one repository.

    ``decisions`` are in the order the images were given. ``bytes_freed``
    counts what expiring would free: the ``size`` of each expiring image, and
    each shared blob once when no kept image references it. Moving an image to
    the archive frees nothing.
    """

    at: datetime
    decisions: tuple[Decision, ...]
    bytes_freed: int
    warnings: tuple[PreviewWarning, ...]

    @property
    def acted(self) -> tuple[Decision, ...]:
        """Decisions that expire or move an image, by rule then oldest first."""
        acted = [d for d in self.decisions if not d.kept]
        return tuple(sorted(acted, key=_acted_order))

    @property
    def kept(self) -> tuple[Decision, ...]:
        """Decisions that keep an image, in the order the images were given."""
        return tuple(d for d in self.decisions if d.kept)

    @property
    def expiring_count(self) -> int:
        """How many images the policy would expire."""
        return sum(1 for d in self.decisions if d.action is ActionType.EXPIRE)

    @property
    def transitioning_count(self) -> int:
        """How many images the policy would move to another storage class."""
        return sum(1 for d in self.decisions if d.action is ActionType.TRANSITION)

    def decision(self, digest: str) -> Decision:
        """The decision for the image with ``digest``; KeyError if there is none."""
        return self._by_digest[digest]

    @cached_property
    def _by_digest(self) -> dict[str, Decision]:
        return {decision.image.digest: decision for decision in self.decisions}


def _acted_order(decision: Decision) -> tuple[int, float, str]:
    pushed = decision.image.pushed_at
    stamp = pushed.timestamp() if pushed is not None else float("-inf")
    return (decision.rule or 0, stamp, decision.image.digest)


def image_name(image: PolicyImage) -> str:
    """A short name for messages: the first tag, else the start of the digest."""
    return image.tags[0] if image.tags else image.digest[:19]


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _image_json(image: PolicyImage) -> dict[str, object]:
    result: dict[str, object] = {
        "imageDigest": image.digest,
        "imageTags": list(image.tags),
    }
    if image.pushed_at is not None:
        result["imagePushedAt"] = _iso(image.pushed_at)
    return result


def _reason_json(reason: KeepReason | None) -> dict[str, object]:
    if reason is None:
        return {}
    fields = {
        "kind": str(reason.kind),
        "rulePriority": reason.rule,
        "countType": reason.count_type and str(reason.count_type),
        "countNumber": reason.count_number,
        "basis": reason.basis and str(reason.basis),
        "protectedFrom": list(reason.protected_from) or None,
        "subject": reason.subject,
    }
    return {key: value for key, value in fields.items() if value is not None}


def preview_to_ecr_json(preview: Preview) -> dict[str, object]:
    """The preview shaped like ECR's ``GetLifecyclePolicyPreview`` response.

    ``previewResults`` and ``summary`` use ECR's names and values. Everything
    else is this program's own: ``keptImages`` (each with a structured
    ``reason`` and a ``reasonText``), ``bytesFreed``, ``transitioningImageCount``,
    ``timeSources`` (where each image's push time came from) and ``warnings``.
    """
    results = []
    for decision in preview.acted:
        action: dict[str, object] = {"type": str(decision.action).upper()}
        if decision.target_storage_class is not None:
            action["targetStorageClass"] = str(decision.target_storage_class)
        entry = _image_json(decision.image)
        entry["action"] = action
        entry["appliedRulePriority"] = decision.rule
        results.append(entry)

    kept = []
    for decision in preview.kept:
        entry = _image_json(decision.image)
        entry["reason"] = _reason_json(decision.reason)
        entry["reasonText"] = decision.text
        kept.append(entry)

    warnings = []
    for warning in preview.warnings:
        item: dict[str, object] = {"message": warning.message}
        if warning.digest is not None:
            item["imageDigest"] = warning.digest
        if warning.rule is not None:
            item["rulePriority"] = warning.rule
        warnings.append(item)

    return {
        "previewResults": results,
        "summary": {"expiringImageTotalCount": preview.expiring_count},
        "keptImages": kept,
        "bytesFreed": preview.bytes_freed,
        "transitioningImageCount": preview.transitioning_count,
        "timeSources": {d.image.digest: d.image.time_source for d in preview.decisions},
        "warnings": warnings,
    }
