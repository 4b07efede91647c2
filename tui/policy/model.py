"""A parsed lifecycle policy, and the error raised when a policy text is refused.

The policy language is Amazon ECR's lifecycle-policy JSON. :func:`parse_policy
<tui.policy.validate.parse_policy>` turns the text into these frozen objects
once; evaluation never looks at JSON again. The enums are string enums whose
values are the spellings used in the JSON, so ``TagStatus.ANY == "any"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "ActionType",
    "CountType",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "Rule",
    "StorageClass",
    "TagStatus",
]


class TagStatus(StrEnum):
    """Which images a rule looks at, by whether they carry tags."""

    TAGGED = "tagged"
    UNTAGGED = "untagged"
    ANY = "any"


class CountType(StrEnum):
    """How a rule decides which of its selected images to act on."""

    IMAGE_COUNT_MORE_THAN = "imageCountMoreThan"
    SINCE_IMAGE_PUSHED = "sinceImagePushed"
    SINCE_IMAGE_PULLED = "sinceImagePulled"
    SINCE_IMAGE_TRANSITIONED = "sinceImageTransitioned"


class ActionType(StrEnum):
    """What a rule does to the images it acts on."""

    EXPIRE = "expire"
    TRANSITION = "transition"


class StorageClass(StrEnum):
    """Where an image is stored: ECR's normal storage, or its archive."""

    STANDARD = "standard"
    ARCHIVE = "archive"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule of a policy: a selection of images and an action on some of them.

    ``tag_patterns`` and ``tag_prefixes`` are only used with ``TagStatus.TAGGED``;
    an image is selected when every entry is matched by at least one of its tags.
    ``count_unit`` is ``"days"`` for the ``since*`` count types and None for
    ``imageCountMoreThan``.
    """

    priority: int
    description: str = ""
    tag_status: TagStatus
    tag_patterns: tuple[str, ...] = ()
    tag_prefixes: tuple[str, ...] = ()
    storage_class: StorageClass = StorageClass.STANDARD
    count_type: CountType
    count_unit: str | None = None
    count_number: int
    action: ActionType
    target_storage_class: StorageClass | None = None

    @property
    def label(self) -> str:
        """How messages name this rule, e.g. ``rule 5``."""
        return f"rule {self.priority}"


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong (or worth a warning) in a policy text.

    ``rule_index`` is the 1-based position of the rule in the ``rules`` list and
    ``rule_priority`` its ``rulePriority`` when that is a valid number; both are
    None for problems with the policy as a whole. ``path`` is the field inside
    the rule (``selection.countUnit``), or inside the policy when there is no
    rule. ``ecr_detail`` is the detail text ECR itself answers with for this kind
    of mistake, when it is known, so that both can be shown side by side.
    """

    message: str
    path: str = ""
    rule_index: int | None = None
    rule_priority: int | None = None
    ecr_detail: str | None = None

    @property
    def rule_label(self) -> str | None:
        """``rule 2 (rulePriority 5)``, or None when no rule is concerned."""
        if self.rule_index is None:
            return None
        if self.rule_priority is None:
            return f"rule {self.rule_index} (no valid rulePriority)"
        return f"rule {self.rule_index} (rulePriority {self.rule_priority})"

    @property
    def where(self) -> str:
        """The rule and field this problem is about, as one phrase."""
        parts = [part for part in (self.rule_label, self.path) if part]
        return ", ".join(parts) if parts else "policy"

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.ecr_detail:
            text = f"{text} [ECR: {self.ecr_detail}]"
        return text


class PolicyError(ValueError):
    """A policy text that ECR would refuse, with every problem found in it."""

    def __init__(
        self,
        problems: tuple[PolicyProblem, ...],
        warnings: tuple[PolicyProblem, ...] = (),
    ) -> None:
        self.problems = problems
        self.warnings = warnings
        count = len(problems)
        heading = f"the lifecycle policy has {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([heading, *(f"- {p}" for p in problems)]))

    @property
    def ecr_detail(self) -> str | None:
        """ECR's own detail text for the first problem that has one."""
        return next((p.ecr_detail for p in self.problems if p.ecr_detail), None)


@dataclass(frozen=True)
class Policy:
    """A valid lifecycle policy: its rules, lowest ``rulePriority`` first.

    ``warnings`` are things ECR accepts in the rules but that probably do not do
    what was meant, and the limits ECR's API puts on the policy text.
    """

    rules: tuple[Rule, ...]
    warnings: tuple[PolicyProblem, ...] = field(default=(), compare=False)
    description: str = ""

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.rules, key=lambda rule: rule.priority))
        object.__setattr__(self, "rules", ordered)
