"""Turning a policy text into a :class:`Policy`, or refusing it as ECR would.

:func:`parse_policy` reports every problem it finds in one
:class:`~tui.policy.model.PolicyError`. It also warns, without refusing, about
what ECR accepts but which is probably a mistake, and about the length limits
of ECR's API (100 to 30,720 characters), because people paste the same text
into ECR. The rules' own fields are checked in :mod:`tui.policy.schema`; the
rules of the language that concern several rules at once are checked here.

ECR's schema is not published. A top-level ``description`` string is accepted,
because ECR reports only the missing ``rules`` for a policy that has one; an
empty ``rules`` list is refused, which is the cautious reading.
"""

from __future__ import annotations

import json
from collections import defaultdict

from . import ecr_text
from .model import Policy, PolicyError, PolicyProblem, Rule, TagStatus
from .schema import check_rule

__all__ = ["MAX_POLICY_LENGTH", "MAX_RULES", "MIN_POLICY_LENGTH", "parse_policy"]

MIN_POLICY_LENGTH = 100
MAX_POLICY_LENGTH = 30_720
MAX_RULES = 50


class _DuplicateKeys:
    """A JSON object hook that remembers keys given twice in one object."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value in pairs:
            if key in result:
                self.seen.append(key)
            result[key] = value
        return result


def _length_warnings(text: str) -> list[PolicyProblem]:
    length = len(text)
    if length < MIN_POLICY_LENGTH:
        return [
            PolicyProblem(
                f"the policy text is {length} characters long; ECR's API refuses "
                f"texts shorter than {MIN_POLICY_LENGTH}, so add a description or "
                "spaces before pasting it into ECR"
            )
        ]
    if length > MAX_POLICY_LENGTH:
        return [
            PolicyProblem(
                f"the policy text is {length:,} characters long; ECR's API refuses "
                f"texts longer than {MAX_POLICY_LENGTH:,}, so remove spaces, "
                "descriptions or rules"
            )
        ]
    return []


def _problem(
    rule: Rule, index: int, path: str, message: str, ecr: str | None = None
) -> PolicyProblem:
    return PolicyProblem(message, path, index, rule.priority, ecr)


def _check_across(rules: list[tuple[int, Rule]]) -> list[PolicyProblem]:
    """Problems that only show when rules are compared with each other."""
    problems: list[PolicyProblem] = []
    first_at: dict[int, int] = {}
    for index, rule in rules:
        if rule.priority in first_at:
            problems.append(
                _problem(
                    rule,
                    index,
                    "rulePriority",
                    f"rulePriority {rule.priority} is already used by rule "
                    f"{first_at[rule.priority]}; every rule needs its own number",
                )
            )
        else:
            first_at[rule.priority] = index

    by_class: dict[str, list[tuple[int, Rule]]] = defaultdict(list)
    for index, rule in sorted(rules, key=lambda item: item[1].priority):
        by_class[rule.storage_class].append((index, rule))
    for storage, group in by_class.items():
        problems.extend(_check_storage_class(storage, group))
    return problems


def _check_storage_class(
    storage: str, group: list[tuple[int, Rule]]
) -> list[PolicyProblem]:
    problems: list[PolicyProblem] = []
    untagged = [(i, r) for i, r in group if r.tag_status is TagStatus.UNTAGGED]
    for index, rule in untagged[1:]:
        problems.append(
            _problem(
                rule,
                index,
                "selection.tagStatus",
                f"rule {untagged[0][0]} already selects untagged {storage} images; "
                "only one rule per storage class may, so merge the two rules",
                ecr_text.TWO_UNTAGGED,
            )
        )

    last = max(rule.priority for _, rule in group)
    for index, rule in group:
        if rule.tag_status is TagStatus.ANY and rule.priority != last:
            later = [i for i, r in group if r.priority > rule.priority]
            problems.append(
                _problem(
                    rule,
                    index,
                    "selection.tagStatus",
                    f'a tagStatus "any" rule must come last among the {storage} '
                    f"rules, but rule {later[0]} has a larger rulePriority; give "
                    "this rule the largest number",
                    ecr_text.ANY_NOT_LAST,
                )
            )

    prefix_sets: dict[frozenset[str], int] = {}
    for index, rule in group:
        if not rule.tag_prefixes:
            continue
        key = frozenset(rule.tag_prefixes)
        if key in prefix_sets:
            problems.append(
                _problem(
                    rule,
                    index,
                    "selection.tagPrefixList",
                    f"rule {prefix_sets[key]} already uses these prefixes; two "
                    f"{storage} rules may not select by the same prefixes, so "
                    "merge them",
                )
            )
        else:
            prefix_sets[key] = index
    return problems


def _warn_across(rules: list[tuple[int, Rule]]) -> list[PolicyProblem]:
    """Rules ECR accepts but that can never act on anything."""
    warnings: list[PolicyProblem] = []
    seen: dict[tuple[str, frozenset[str]], int] = {}
    for index, rule in sorted(rules, key=lambda item: item[1].priority):
        if not rule.tag_patterns:
            continue
        key = (rule.storage_class, frozenset(rule.tag_patterns))
        if key in seen:
            warnings.append(
                _problem(
                    rule,
                    index,
                    "selection.tagPatternList",
                    f"rule {seen[key]} selects the same images first, so this "
                    "rule can never act on any of them",
                )
            )
        else:
            seen[key] = index
    return warnings


def _load(text: str, warnings: list[PolicyProblem]) -> dict[str, object]:
    """The policy text as a JSON object, or a PolicyError saying why not."""
    duplicates = _DuplicateKeys()
    try:
        document = json.loads(text, object_pairs_hook=duplicates)
    except json.JSONDecodeError as error:
        problem = PolicyProblem(
            f"this is not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); look for a missing comma, bracket or quote",
            ecr_detail=ecr_text.NOT_JSON,
        )
        raise PolicyError((problem,), tuple(warnings)) from None
    warnings.extend(
        PolicyProblem(f'"{key}" is given twice in one object; the last one is used')
        for key in dict.fromkeys(duplicates.seen)
    )
    if not isinstance(document, dict):
        problem = PolicyProblem(
            'a policy is a JSON object of the form {"rules": [...]}',
            ecr_detail=ecr_text.type_mismatch(document, "object"),
        )
        raise PolicyError((problem,), tuple(warnings))
    return document


def _check_top_level(
    document: dict[str, object],
) -> tuple[list[object] | None, list[PolicyProblem]]:
    """The raw rules (None if there is no list of them) and what is wrong."""
    unknown = [key for key in document if key not in ("rules", "description")]
    problems = [
        PolicyProblem(
            f'"{key}" is not a property of a policy; only "rules" and "description" '
            "are allowed at the top level, so remove it",
            key,
            ecr_detail=ecr_text.unknown_properties(unknown),
        )
        for key in unknown
    ]
    description = document.get("description", "")
    if not isinstance(description, str):
        problems.append(
            PolicyProblem(
                "the policy's description must be a string",
                "description",
                ecr_detail=ecr_text.type_mismatch(description, "string"),
            )
        )

    raw_rules = document.get("rules")
    if "rules" not in document:
        message = 'the policy has no "rules" list; add "rules": [ ... ] with a rule'
        ecr = ecr_text.missing_properties(["rules"])
    elif not isinstance(raw_rules, list):
        message = '"rules" must be a list of rules: "rules": [ ... ]'
        ecr = ecr_text.type_mismatch(raw_rules, "array")
    elif not raw_rules:
        message, ecr = '"rules" is empty; add at least one rule', None
    elif len(raw_rules) > MAX_RULES:
        message = (
            f"the policy has {len(raw_rules)} rules; ECR allows at most "
            f"{MAX_RULES}, so merge or remove some"
        )
        ecr = None
    else:
        return raw_rules, problems
    problems.append(PolicyProblem(message, "rules", ecr_detail=ecr))
    return (raw_rules if isinstance(raw_rules, list) else None), problems


def parse_policy(text: str) -> Policy:
    """Parse and check an ECR lifecycle-policy text.

    Raises:
        PolicyError: the text is not a policy ECR would accept. The error lists
            every problem found, each naming the rule and field concerned, and
            carries the warnings too.
    """
    warnings = _length_warnings(text)
    document = _load(text, warnings)

    raw_rules, problems = _check_top_level(document)
    if raw_rules is None:
        raise PolicyError(tuple(problems), tuple(warnings))

    rules: list[tuple[int, Rule]] = []
    for index, raw in enumerate(raw_rules, start=1):
        rule, rule_problems = check_rule(index, raw)
        problems.extend(rule_problems)
        if rule is not None:
            rules.append((index, rule))
    problems.extend(_check_across(rules))
    warnings.extend(_warn_across(rules))

    if problems:
        raise PolicyError(tuple(problems), tuple(warnings))
    description = document.get("description")
    return Policy(
        tuple(rule for _, rule in rules),
        tuple(warnings),
        description if isinstance(description, str) else "",
    )
