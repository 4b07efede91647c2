"""Collecting the problems of one rule of a policy text, field by field.

A :class:`FieldChecker` belongs to one rule; every problem it records carries
that rule's position and ``rulePriority`` so that messages can name it. Its
helpers read a JSON object field by field and give back a value only when the
field is valid, reporting why not otherwise.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeGuard, TypeVar

from . import ecr_text
from .model import PolicyProblem

__all__ = ["FieldChecker", "is_int"]

_E = TypeVar("_E", bound=StrEnum)


def is_int(value: object) -> TypeGuard[int]:
    """Whether a parsed JSON value is an integer (``true`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


class FieldChecker:
    """Collects the problems of one rule, each labelled with that rule."""

    def __init__(self, index: int, priority: int | None) -> None:
        self.index = index
        self.priority = priority
        self.problems: list[PolicyProblem] = []

    def add(self, path: str, message: str, ecr: str | None = None) -> None:
        """Record a problem with the field at ``path`` of this rule."""
        self.problems.append(
            PolicyProblem(message, path, self.index, self.priority, ecr)
        )

    def keys(
        self,
        obj: dict[str, object],
        prefix: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
        ecr: str | None = None,
    ) -> None:
        """Report unknown and missing properties of ``obj``.

        ``ecr`` replaces ECR's usual texts where the object sits inside a
        ``oneOf`` of the schema, for which ECR gives one summary sentence.
        """
        unknown = [key for key in obj if key not in allowed]
        for key in unknown:
            self.add(
                prefix + key,
                f'"{key}" is not a property ECR knows here; remove it or fix its '
                f"spelling (allowed: {', '.join(allowed)})",
                ecr or ecr_text.unknown_properties(unknown),
            )
        missing = [key for key in required if key not in obj]
        for key in missing:
            self.add(
                prefix + key,
                f'"{key}" is required; add it',
                ecr or ecr_text.missing_properties(missing),
            )

    def typed(
        self, obj: dict[str, object], path: str, key: str, kind: type, ecr: str | None
    ) -> object | None:
        """The value under ``key`` if present and of type ``kind``, else None."""
        if key not in obj:
            return None
        value = obj[key]
        ok = is_int(value) if kind is int else isinstance(value, kind)
        if ok:
            return value
        wanted = {int: "integer", str: "string", list: "array", dict: "object"}[kind]
        advice = "leave the property out or give" if value is None else "give"
        article = "an" if wanted[0] in "aeiou" else "a"
        self.add(
            path,
            f"{ecr_text.json_type(value)} is not allowed here; "
            f"{advice} {article} {wanted}",
            ecr or ecr_text.type_mismatch(value, wanted),
        )
        return None

    def choice(
        self,
        obj: dict[str, object],
        path: str,
        key: str,
        enum: type[_E],
        ecr: str | None = None,
    ) -> _E | None:
        """The enum member named under ``key``, or None after reporting why not."""
        value = self.typed(obj, path, key, str, ecr)
        if not isinstance(value, str):
            return None
        options = [member.value for member in enum]
        if value in options:
            return enum(value)
        quoted = ", ".join(f'"{option}"' for option in options)
        self.add(
            path,
            f'"{value}" is not a valid {key}; use one of {quoted} (case matters)',
            ecr or ecr_text.enum_mismatch(value, options),
        )
        return None

    def at_least(
        self, obj: dict[str, object], path: str, key: str, minimum: int
    ) -> int | None:
        """The integer under ``key`` if it is at least ``minimum``, else None."""
        value = self.typed(obj, path, key, int, None)
        if not isinstance(value, int):
            return None
        if value < minimum:
            self.add(
                path,
                f"{key} is {value}; it must be {minimum} or more",
                ecr_text.too_small(minimum, value),
            )
            return None
        return value
