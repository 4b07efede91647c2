"""The detail texts ECR answers with when it refuses a lifecycle policy.

ECR validates a policy against a JSON schema and returns the validator's
sentence. Showing that sentence beside our own explanation lets a user match
what this program says with what ECR would say for the same text. Only kinds of
mistake whose ECR wording is known have a text here; the rest have none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

__all__ = [
    "ANY_NOT_LAST",
    "NOT_JSON",
    "ONE_OF",
    "TWO_UNTAGGED",
    "enum_mismatch",
    "json_type",
    "missing_properties",
    "too_small",
    "type_mismatch",
    "unknown_properties",
]

NOT_JSON = "Could not map policyString into LifecyclePolicy."
ONE_OF = "instance failed to match exactly one schema (matched 0 out of 2)"
TWO_UNTAGGED = "Only one rule can select Untagged images per storage class."
ANY_NOT_LAST = "Rule for tagStatus=ANY must have the lowest priority per storage class"


def _names(names: Iterable[str]) -> str:
    return json.dumps(sorted(names), separators=(",", ":"))


def json_type(value: object) -> str:
    """The JSON-schema name of the type of a parsed JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def missing_properties(names: Iterable[str]) -> str:
    """ECR's text for required properties that are absent."""
    return f"object has missing required properties ({_names(names)})"


def unknown_properties(names: Iterable[str]) -> str:
    """ECR's text for properties the schema does not know."""
    return (
        "object instance has properties which are not allowed by the schema: "
        f"({_names(names)})"
    )


def type_mismatch(value: object, allowed: str) -> str:
    """ECR's text for a value of the wrong JSON type (``null`` included)."""
    return (
        f"instance type ({json_type(value)}) does not match any allowed primitive "
        f'type (allowed: ["{allowed}"])'
    )


def enum_mismatch(value: str, allowed: Iterable[str]) -> str:
    """ECR's text for a string that is not one of the allowed values."""
    options = json.dumps(list(allowed), separators=(",", ":"))
    return (
        f"instance value ({json.dumps(value)}) not found in enum "
        f"(possible values: {options})"
    )


def too_small(minimum: int, found: int) -> str:
    """ECR's text for a number below the schema's minimum."""
    return (
        "numeric instance is lower than the required minimum "
        f"(minimum: {minimum}, found: {found})"
    )
