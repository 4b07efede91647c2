"""Checking one rule of a policy text, field by field, into a :class:`Rule`.

Every mistake in a rule is reported, not just the first, so that a user can fix
a pasted policy in one go. Each problem names the rule and the field, says in
plain words what to change, and carries ECR's own wording where it is known.
Rules that mention each other (priorities, one untagged rule) are checked in
:mod:`tui.policy.validate`.
"""

from __future__ import annotations

from . import ecr_text
from .checks import FieldChecker, is_int
from .model import ActionType, CountType, PolicyProblem, Rule, StorageClass, TagStatus

__all__ = ["check_rule"]

_RULE_KEYS = ("rulePriority", "description", "selection", "action")
_RULE_REQUIRED = ("rulePriority", "selection", "action")
_SELECTION_KEYS = (
    "tagStatus",
    "tagPatternList",
    "tagPrefixList",
    "storageClass",
    "countType",
    "countUnit",
    "countNumber",
)
_SELECTION_REQUIRED = ("tagStatus", "countType", "countNumber")
_ACTION_KEYS = ("type", "targetStorageClass")
_MAX_WILDCARDS = 4
_MIN_ARCHIVE_DAYS = 90
_SINCE_TYPES = frozenset(CountType) - {CountType.IMAGE_COUNT_MORE_THAN}


def _tag_list(check: FieldChecker, selection: dict[str, object], key: str) -> list[str]:
    path = f"selection.{key}"
    value = check.typed(selection, path, key, list, None)
    if not isinstance(value, list):
        return []
    if not value:
        check.add(path, f"{key} is empty; give at least one entry or remove it")
    entries: list[str] = []
    for position, entry in enumerate(value):
        item = f"{path}[{position}]"
        if not isinstance(entry, str):
            check.add(
                item,
                f"{ecr_text.json_type(entry)} is not allowed here; give a string",
                ecr_text.type_mismatch(entry, "string"),
            )
        elif not entry:
            check.add(item, "an empty entry selects nothing useful; remove it")
        elif key == "tagPatternList" and entry.count("*") > _MAX_WILDCARDS:
            check.add(
                item,
                f'"{entry}" has {entry.count("*")} wildcards; ECR allows at most '
                f"{_MAX_WILDCARDS} '*' in one pattern, so remove some",
            )
        else:
            entries.append(entry)
    return entries


def _check_tags(
    check: FieldChecker, selection: dict[str, object], status: TagStatus | None
) -> tuple[list[str], list[str]]:
    patterns = _tag_list(check, selection, "tagPatternList")
    prefixes = _tag_list(check, selection, "tagPrefixList")
    given = [key for key in ("tagPatternList", "tagPrefixList") if key in selection]
    if status in (TagStatus.UNTAGGED, TagStatus.ANY):
        for key in given:
            check.add(
                f"selection.{key}",
                f'{key} only applies to tagStatus "tagged"; remove it, or set '
                'tagStatus to "tagged"',
            )
    elif status is TagStatus.TAGGED and not given:
        check.add(
            "selection",
            'a "tagged" rule needs tagPatternList or tagPrefixList to say which '
            'tags it selects; add one, or use tagStatus "any" to select every image',
        )
    if len(given) == 2:
        check.add(
            "selection.tagPrefixList",
            "a rule takes tagPatternList or tagPrefixList, not both; keep one "
            '(the prefix "v" means the same as the pattern "v*")',
        )
    return patterns, prefixes


def _check_count(
    check: FieldChecker, selection: dict[str, object], count_type: CountType | None
) -> str | None:
    path = "selection.countUnit"
    unit = check.typed(selection, path, "countUnit", str, ecr_text.ONE_OF)
    if "countUnit" in selection and count_type is CountType.IMAGE_COUNT_MORE_THAN:
        check.add(
            path,
            "countUnit only goes with the sinceImage* count types; remove it from "
            "an imageCountMoreThan rule",
            ecr_text.ONE_OF,
        )
    elif count_type in _SINCE_TYPES and "countUnit" not in selection:
        check.add(
            path,
            f'{count_type} counts days, so it needs "countUnit": "days"; add it',
            ecr_text.ONE_OF,
        )
    elif isinstance(unit, str) and unit != "days":
        check.add(
            path, f'"{unit}" is not a unit ECR knows; use "days"', ecr_text.ONE_OF
        )
    return unit if isinstance(unit, str) else None


def _check_action(
    check: FieldChecker, action: dict[str, object]
) -> tuple[ActionType | None, StorageClass | None]:
    one_of = ecr_text.ONE_OF
    check.keys(action, "action.", _ACTION_KEYS, ("type",), one_of)
    kind = check.choice(action, "action.type", "type", ActionType, one_of)
    path = "action.targetStorageClass"
    if kind is ActionType.EXPIRE and "targetStorageClass" in action:
        check.add(
            path,
            "targetStorageClass only goes with a transition; remove it from an "
            "expire action",
            one_of,
        )
        return kind, None
    if kind is ActionType.TRANSITION and "targetStorageClass" not in action:
        check.add(path, 'a transition needs "targetStorageClass": "archive"', one_of)
        return kind, None
    if kind is not ActionType.TRANSITION:
        return kind, None
    target = check.choice(action, path, "targetStorageClass", StorageClass, one_of)
    if target is StorageClass.STANDARD:
        check.add(path, 'images can only be moved to "archive"', one_of)
        return kind, None
    return kind, target


def _check_combination(
    check: FieldChecker,
    count_type: CountType | None,
    kind: ActionType | None,
    storage: StorageClass | None,
    number: int | None,
) -> None:
    """The constraints that tie the count type to the action and storage class.

    Arguments are None where the field itself is invalid, already reported.
    """
    if count_type is CountType.SINCE_IMAGE_PULLED and kind is ActionType.EXPIRE:
        check.add(
            "action.type",
            "sinceImagePulled rules can only move images to the archive; use an "
            'action of type "transition" with targetStorageClass "archive"',
        )
    if count_type is not CountType.SINCE_IMAGE_TRANSITIONED:
        if storage is StorageClass.ARCHIVE:
            check.add(
                "selection.storageClass",
                "only sinceImageTransitioned rules can select archived images; "
                'remove storageClass or use countType "sinceImageTransitioned"',
            )
        return
    if kind is ActionType.TRANSITION:
        check.add(
            "action.type",
            "sinceImageTransitioned rules can only expire archived images; use "
            'action type "expire"',
        )
    if storage is StorageClass.STANDARD:
        check.add(
            "selection.storageClass",
            "sinceImageTransitioned only applies to archived images; add "
            '"storageClass": "archive"',
        )
    if number is not None and number < _MIN_ARCHIVE_DAYS:
        check.add(
            "selection.countNumber",
            f"archived images stay in the archive at least {_MIN_ARCHIVE_DAYS} "
            f"days, so countNumber must be {_MIN_ARCHIVE_DAYS} or more",
        )


def check_rule(index: int, raw: object) -> tuple[Rule | None, list[PolicyProblem]]:
    """Check the rule at 1-based position ``index``; the Rule is None if invalid."""
    if not isinstance(raw, dict):
        problem = PolicyProblem(
            "each rule must be a JSON object with rulePriority, selection and action",
            "",
            index,
            None,
            ecr_text.type_mismatch(raw, "object"),
        )
        return None, [problem]

    given = raw.get("rulePriority")
    check = FieldChecker(index, given if is_int(given) else None)
    check.keys(raw, "", _RULE_KEYS, _RULE_REQUIRED)
    priority = check.at_least(raw, "rulePriority", "rulePriority", 1)
    description = check.typed(raw, "description", "description", str, None)
    selection = check.typed(raw, "selection", "selection", dict, None)
    action = check.typed(raw, "action", "action", dict, None)

    status = count_type = storage = number = None
    patterns: list[str] = []
    prefixes: list[str] = []
    unit: str | None = None
    if isinstance(selection, dict):
        check.keys(selection, "selection.", _SELECTION_KEYS, _SELECTION_REQUIRED)
        status = check.choice(selection, "selection.tagStatus", "tagStatus", TagStatus)
        patterns, prefixes = _check_tags(check, selection, status)
        storage = check.choice(
            selection, "selection.storageClass", "storageClass", StorageClass
        )
        if "storageClass" not in selection:
            storage = StorageClass.STANDARD
        count_type = check.choice(
            selection, "selection.countType", "countType", CountType
        )
        unit = _check_count(check, selection, count_type)
        number = check.at_least(selection, "selection.countNumber", "countNumber", 1)
    kind, target = (
        _check_action(check, action) if isinstance(action, dict) else (None, None)
    )
    _check_combination(check, count_type, kind, storage, number)

    if check.problems:
        return None, check.problems
    assert priority is not None and status and count_type and number and kind
    return Rule(
        priority=priority,
        description=description if isinstance(description, str) else "",
        tag_status=status,
        tag_patterns=tuple(patterns),
        tag_prefixes=tuple(prefixes),
        storage_class=storage or StorageClass.STANDARD,
        count_type=count_type,
        count_unit=unit,
        count_number=number,
        action=kind,
        target_storage_class=target,
    ), []
