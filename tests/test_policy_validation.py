"""Refusing and accepting policy texts as ECR does: shared/lifecycle/validation.yaml.

Each refused policy must produce problems that name the rule (position and
rulePriority) and the field, and carry ECR's own detail text where the vector
records it, so that the UI can show both side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui.policy import (
    MAX_POLICY_LENGTH,
    Policy,
    PolicyError,
    PolicyProblem,
    parse_policy,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "lifecycle"
VALIDATION = SHARED / "validation.yaml"
MISSING = (
    f"{VALIDATION} is missing: the policy vectors live in shared/lifecycle beside "
    "the repository clone; check it out there to run these tests"
)

# For each refused vector: the (position, rulePriority) of the rule at fault,
# or None for the policy as a whole, and the field path the problem names.
WHERE: dict[str, tuple[tuple[int, int] | None, str | None]] = {
    "VAL-01": (None, None),
    "VAL-02": (None, "rules"),
    "VAL-03": ((1, 1), "selection.countNumber"),
    "VAL-04": ((1, 1), "selection.countUnit"),
    "VAL-05": ((1, 1), "selection.countUnit"),
    "VAL-06": ((1, 1), "action.targetStorageClass"),
    "VAL-07": ((1, 1), "selection.tagPatternList"),
    "VAL-08": ((1, 1), "foo"),
    "VAL-09": ((1, 1), "selection.tagStatus"),
    "VAL-10": ((2, 2), "selection.tagStatus"),
    "VAL-11": ((1, 1), "selection.tagStatus"),
    "VAL-12": ((1, 1), "selection"),
    "VAL-13": ((1, 1), "selection.tagPrefixList"),
    "VAL-14": ((1, 1), "selection.tagPrefixList"),
    "VAL-15": ((1, 1), "selection.tagPatternList[0]"),
    "VAL-16": ((2, 1), "rulePriority"),
}


def _cases() -> list[Any]:
    if not VALIDATION.is_file():
        return [pytest.param(None, id="validation-missing")]
    document = yaml.safe_load(VALIDATION.read_text())
    return [pytest.param(vector, id=vector["id"]) for vector in document["vectors"]]


def _refusal(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    return caught.value


@pytest.mark.parametrize("vector", _cases())
def test_validation_vector(vector: dict[str, Any] | None) -> None:
    if vector is None:
        pytest.fail(MISSING)
    if not vector["reject"]:
        assert isinstance(parse_policy(vector["policy"]), Policy)
        return

    error = _refusal(vector["policy"])

    assert error.problems
    for problem in error.problems:
        assert str(problem).startswith(problem.where)
        assert problem.message
    if "aws_detail" in vector:
        assert vector["aws_detail"] in [p.ecr_detail for p in error.problems]
        assert vector["aws_detail"] in str(error)
    assert vector["id"] in WHERE, f"say which rule and field {vector['id']} is about"
    rule, path = WHERE[vector["id"]]
    matching = [p for p in error.problems if path is None or p.path == path]
    assert matching, f"no problem names {path}: {error}"
    problem = matching[0]
    if rule is None:
        assert problem.rule_index is None
    else:
        index, priority = rule
        assert (problem.rule_index, problem.rule_priority) == rule
        assert f"rule {index} (rulePriority {priority})" in str(problem)
    if path is not None:
        assert path in str(problem)


def _rule(selection: dict[str, Any], action: dict[str, Any], priority: int = 1) -> Any:
    return {"rulePriority": priority, "selection": selection, "action": action}


def _text(*rules: Any) -> str:
    return json.dumps({"rules": list(rules)})


EXPIRE = {"type": "expire"}
ARCHIVE = {"type": "transition", "targetStorageClass": "archive"}
UNTAGGED_3 = {"tagStatus": "untagged", "countType": "imageCountMoreThan"}


@pytest.mark.parametrize(
    ("selection", "action", "path"),
    [
        (
            {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days"}
            | {"countNumber": 90},
            EXPIRE,
            "action.type",
        ),
        (
            {"tagStatus": "any", "storageClass": "archive"}
            | {"countType": "sinceImageTransitioned", "countUnit": "days"}
            | {"countNumber": 89},
            EXPIRE,
            "selection.countNumber",
        ),
        (
            {"tagStatus": "any", "countType": "sinceImageTransitioned"}
            | {"countUnit": "days", "countNumber": 365},
            EXPIRE,
            "selection.storageClass",
        ),
        (
            {"tagStatus": "any", "storageClass": "archive"}
            | {"countType": "imageCountMoreThan", "countNumber": 3},
            EXPIRE,
            "selection.storageClass",
        ),
        (UNTAGGED_3 | {"countNumber": 3}, {"type": "transition"}, "action"),
        (UNTAGGED_3 | {"countNumber": True}, EXPIRE, "selection.countNumber"),
        (UNTAGGED_3 | {"countNumber": 3, "countUnit": "hours"}, EXPIRE, "countUnit"),
        (UNTAGGED_3 | {"countNumber": 3}, ARCHIVE | {"extra": 1}, "action.extra"),
    ],
)
def test_rule_constraints(
    selection: dict[str, Any], action: dict[str, Any], path: str
) -> None:
    error = _refusal(_text(_rule(selection, action)))

    assert any(path in p.path for p in error.problems), str(error)


def test_every_problem_is_reported_at_once() -> None:
    text = _text(
        _rule(UNTAGGED_3 | {"countNumber": 0}, {"type": "delete"}, priority=4),
        {"rulePriority": 0, "selection": None, "action": EXPIRE},
    )

    error = _refusal(text)

    assert {(p.rule_index, p.path) for p in error.problems} >= {
        (1, "selection.countNumber"),
        (1, "action.type"),
        (2, "rulePriority"),
        (2, "selection"),
    }
    assert "rule 1 (rulePriority 4)" in str(error)
    assert isinstance(error, ValueError)


def test_same_prefixes_twice_and_too_many_rules_are_refused() -> None:
    tagged = {"tagStatus": "tagged", "countType": "imageCountMoreThan"}
    twice = _text(
        _rule(tagged | {"tagPrefixList": ["a", "b"], "countNumber": 1}, EXPIRE, 1),
        _rule(tagged | {"tagPrefixList": ["b", "a"], "countNumber": 2}, EXPIRE, 2),
    )
    many = _text(
        *(
            _rule(tagged | {"tagPrefixList": [f"p{n}"], "countNumber": 1}, EXPIRE, n)
            for n in range(1, 52)
        )
    )

    assert _refusal(twice).problems[0].path == "selection.tagPrefixList"
    assert any(p.path == "rules" for p in _refusal(many).problems)


def test_length_limits_of_ecr_api_are_warnings() -> None:
    short = _text(_rule(UNTAGGED_3 | {"countNumber": 3}, EXPIRE))
    long = json.dumps(
        {
            "rules": [
                {"description": "x" * MAX_POLICY_LENGTH}
                | _rule(UNTAGGED_3 | {"countNumber": 3}, EXPIRE)
            ]
        }
    )

    assert parse_policy(short).warnings == ()
    assert "shorter than 100" in str(_refusal('{"rules": []}').warnings[0])
    assert "longer than 30,720" in str(parse_policy(long).warnings[0])


def test_a_rule_shadowed_by_the_same_patterns_is_a_warning() -> None:
    tagged = {"tagStatus": "tagged", "countType": "imageCountMoreThan"}
    text = _text(
        _rule(tagged | {"tagPatternList": ["v*"], "countNumber": 1}, EXPIRE, 1),
        _rule(tagged | {"tagPatternList": ["v*"], "countNumber": 5}, EXPIRE, 2),
    )

    warnings = parse_policy(text).warnings

    assert [(w.rule_priority, w.path) for w in warnings] == [
        (2, "selection.tagPatternList")
    ]


def test_problem_text_puts_ours_beside_ecrs() -> None:
    problem = PolicyProblem("fix it", "selection.countNumber", 2, 5, "ECR says no")

    assert str(problem) == (
        "rule 2 (rulePriority 5), selection.countNumber: fix it [ECR: ECR says no]"
    )
