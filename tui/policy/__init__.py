"""Amazon ECR lifecycle policies, parsed and evaluated against plain data.

Pure functions over frozen dataclasses: no network, no UI. Parse a policy text
with :func:`parse_policy`, describe the repository as :class:`PolicyImage`
objects, and :func:`evaluate` says what ECR would expire or archive and why
everything else is kept. :func:`preview_to_ecr_json` renders the result in the
shape of ECR's ``GetLifecyclePolicyPreview`` response.
"""

from .evaluate import evaluate
from .images import FIRST_REAL_DATE, PolicyImage, cosign_subject, referrer_subject
from .model import (
    ActionType,
    CountType,
    Policy,
    PolicyError,
    PolicyProblem,
    Rule,
    StorageClass,
    TagStatus,
)
from .preview import (
    Decision,
    KeepKind,
    KeepReason,
    Preview,
    PreviewWarning,
    preview_to_ecr_json,
)
from .validate import MAX_POLICY_LENGTH, MAX_RULES, MIN_POLICY_LENGTH, parse_policy

__all__ = [
    "FIRST_REAL_DATE",
    "MAX_POLICY_LENGTH",
    "MAX_RULES",
    "MIN_POLICY_LENGTH",
    "ActionType",
    "CountType",
    "Decision",
    "KeepKind",
    "KeepReason",
    "Policy",
    "PolicyError",
    "PolicyImage",
    "PolicyProblem",
    "Preview",
    "PreviewWarning",
    "Rule",
    "StorageClass",
    "TagStatus",
    "cosign_subject",
    "evaluate",
    "parse_policy",
    "preview_to_ecr_json",
    "referrer_subject",
]
