"""The evaluation vectors of shared/lifecycle/vectors.yaml, and what they leave out.

Every vector runs twice when it has a ``variant_prefix``: once with its tag
patterns and once with the equivalent tag prefixes; both must act on exactly
the expected images with the expected rules and keep all the others.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui.policy import (
    ActionType,
    KeepKind,
    PolicyImage,
    Preview,
    cosign_subject,
    evaluate,
    parse_policy,
    preview_to_ecr_json,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "lifecycle"
VECTORS = SHARED / "vectors.yaml"
MISSING = (
    f"{VECTORS} is missing: the policy vectors live in shared/lifecycle beside "
    "the repository clone; check it out there to run these tests"
)
_IMAGE_KEYS = {"id", "tags", "pushed_ago", "storage_class"} | {
    f"last_{event}_ago" for event in ("pulled", "activated", "archived")
}
_RULE_LEVEL = ("rulePriority", "description")


def _cases() -> list[Any]:
    if not VECTORS.is_file():
        return [pytest.param(None, None, None, id="vectors-missing")]
    document = yaml.safe_load(VECTORS.read_text())
    now = datetime.fromisoformat(document["now"].replace("Z", "+00:00"))
    cases = []
    for vector in document["vectors"]:
        cases.append(pytest.param(vector, now, False, id=f"{vector['id']}-pattern"))
        if "variant_prefix" in vector:
            cases.append(pytest.param(vector, now, True, id=f"{vector['id']}-prefix"))
    return cases


def _ago(text: str | None, now: datetime) -> datetime | None:
    if text is None:
        return None
    assert re.fullmatch(r"(\d+[dhms])+", text), f"unreadable duration {text!r}"
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    parts = re.findall(r"(\d+)([dhms])", text)
    return now - timedelta(**{units[unit]: int(n) for n, unit in parts})


def digest_of(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


def _policy_text(vector: dict[str, Any], use_prefixes: bool) -> str:
    rules = []
    for flat in vector["policy"]:
        selection = dict(flat)
        rule = {key: selection.pop(key) for key in _RULE_LEVEL if key in selection}
        action = {"type": selection.pop("action")}
        if "targetStorageClass" in selection:
            action["targetStorageClass"] = selection.pop("targetStorageClass")
        override = vector.get("variant_prefix", {}).get(f"rule{rule['rulePriority']}")
        if use_prefixes and override:
            selection.pop("tagPatternList")
            selection.update(override)
        rules.append({**rule, "selection": selection, "action": action})
    return json.dumps({"rules": rules}, indent=2)


def _image(raw: dict[str, Any], now: datetime) -> PolicyImage:
    unknown = set(raw) - _IMAGE_KEYS
    assert not unknown, f"the vector uses image fields this test ignores: {unknown}"
    return PolicyImage(
        digest=digest_of(raw["id"]),
        tags=tuple(raw["tags"]),
        pushed_at=_ago(raw["pushed_ago"], now),
        pulled_at=_ago(raw.get("last_pulled_ago"), now),
        activated_at=_ago(raw.get("last_activated_ago"), now),
        transitioned_at=_ago(raw.get("last_archived_ago"), now),
        storage_class=raw.get("storage_class", "standard"),
    )


@pytest.mark.parametrize(("vector", "now", "use_prefixes"), _cases())
def test_vector(
    vector: dict[str, Any] | None, now: datetime | None, use_prefixes: bool | None
) -> None:
    if vector is None or now is None:
        pytest.fail(MISSING)
    policy = parse_policy(_policy_text(vector, bool(use_prefixes)))
    names = {digest_of(raw["id"]): raw["id"] for raw in vector["images"]}

    preview = evaluate(policy, [_image(raw, now) for raw in vector["images"]], now)

    acted = {
        names[d.image.digest]: (str(d.action), d.rule, d.target_storage_class)
        for d in preview.acted
    }
    expected = {
        item["id"]: (item["action"], item["rule"], item.get("targetStorageClass"))
        for item in vector["expected"]
    }
    assert acted == expected
    assert all(d.reason is not None for d in preview.kept)
    assert len(preview.kept) == len(vector["images"]) - len(expected)


# Behaviour the shared vectors do not cover.

NOW = datetime(2024, 7, 1, tzinfo=UTC)


def _policy(*selections: str, action: str = '{"type": "expire"}') -> str:
    rules = [
        f'{{"rulePriority": {n}, "selection": {s}, "action": {action}}}'
        for n, s in enumerate(selections, start=1)
    ]
    return '{"rules": [' + ", ".join(rules) + "]}"


KEEP_ONE_ANY = _policy(
    '{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}'
)
OLDER_THAN_5 = _policy(
    '{"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", '
    '"countNumber": 5}'
)


def image(name: str, *tags: str, ago: float = 0, **fields: Any) -> PolicyImage:
    """An image pushed ``ago`` days before NOW, unless ``pushed_at`` is given."""
    pushed = fields.pop("pushed_at", NOW - timedelta(days=ago))
    return PolicyImage(digest_of(name), tags, pushed, **fields)


def outcome(preview: Preview, name: str) -> ActionType | KeepKind | None:
    """The action taken on an image, or why it is kept."""
    decision = preview.decision(digest_of(name))
    return decision.reason.kind if decision.reason else decision.action


TAGS = _policy(
    '{"tagStatus": "tagged", "tagPatternList": ["Prod*", "*test*1*2*3"], '
    '"countType": "imageCountMoreThan", "countNumber": 1}'
)
ACROSS = _policy(
    '{"tagStatus": "tagged", "tagPatternList": ["a\\nb"], '
    '"countType": "imageCountMoreThan", "countNumber": 1}'
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST, SECOND = sorted(["one", "two"], key=digest_of)
REPRODUCIBLE = [
    image("repro", pushed_at=EPOCH),
    image("new", ago=1),
    image("old", ago=9),
]
EXPIRE, WITHIN = ActionType.EXPIRE, KeepKind.WITHIN_NEWEST
YOUNG, UNKNOWN = KeepKind.NOT_OLD_ENOUGH, KeepKind.TIME_UNKNOWN
UNSELECTED, REFERRER = KeepKind.NOT_SELECTED, KeepKind.REFERRER

# (policy, images, the outcome for each image by name)
SCENARIOS = {
    "exactly-n-days-is-kept": (
        OLDER_THAN_5,
        [image("edge", "a", ago=5), image("over", "b", ago=5 + 1 / 86400)],
        {"edge": YOUNG, "over": EXPIRE},
    ),
    "case-sensitive-and-inner-wildcards": (
        TAGS,
        [
            image("a", "prod-1", "my-test-1-2-3", ago=3),
            image("b", "Prod-2", "test123", ago=2),
            image("c", "Prod-3", "x-test-91-2-3", ago=1),
            image("d", "Prod-4", "test-1-2-3-z", ago=0.1),
        ],
        {"a": UNSELECTED, "b": EXPIRE, "c": WITHIN, "d": UNSELECTED},
    ),
    "no-match-across-two-tags": (
        ACROSS,
        [image("x", "a", "b", ago=1), image("y", "a", "b", ago=2)],
        {"x": UNSELECTED, "y": UNSELECTED},
    ),
    "ties-go-by-digest": (
        KEEP_ONE_ANY,
        [image(SECOND, SECOND, ago=1), image(FIRST, FIRST, ago=1)],
        {FIRST: WITHIN, SECOND: EXPIRE},
    ),
    "pre-2013-is-not-oldest-by-count": (
        KEEP_ONE_ANY,
        REPRODUCIBLE,
        {"repro": UNKNOWN, "new": WITHIN, "old": EXPIRE},
    ),
    "pre-2013-is-not-oldest-by-age": (
        OLDER_THAN_5,
        REPRODUCIBLE,
        {"repro": UNKNOWN, "new": YOUNG, "old": EXPIRE},
    ),
    "index-children-neither-counted-nor-acted-on": (
        KEEP_ONE_ANY,
        [
            image("child", ago=0.1, referenced_by_index=True),
            image("index", "latest", ago=1),
            image("older", "v1", ago=2),
        ],
        {"child": KeepKind.INDEX_CHILD, "index": WITHIN, "older": EXPIRE},
    ),
    "referrers-go-with-their-subject": (
        KEEP_ONE_ANY,
        [
            image("old", "v1", ago=9),
            image("new", "v2", ago=1),
            image("sig", f"sha256-{digest_of('old')[7:]}.sig", ago=0.1),
            image("sbom", ago=0.1, subject=digest_of("new")),
        ],
        {"old": EXPIRE, "new": WITHIN, "sig": EXPIRE, "sbom": REFERRER},
    ),
    "referrer-cycles-are-kept": (
        KEEP_ONE_ANY,
        [
            image("one", ago=9, subject=digest_of("two")),
            image("two", ago=9, subject=digest_of("one")),
        ],
        {"one": REFERRER, "two": REFERRER},
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_scenario(scenario: tuple[str, list[PolicyImage], dict[str, Any]]) -> None:
    text, images, expected = scenario

    preview = evaluate(parse_policy(text), images, NOW)

    assert {name: outcome(preview, name) for name in expected} == expected


def test_warnings_name_unreal_dates_and_straddling_ties() -> None:
    images = [
        image("repro", "v2", pushed_at=EPOCH, time_source="created"),
        image(SECOND, SECOND, ago=1),
        image(FIRST, FIRST, ago=1),
    ]

    preview = evaluate(parse_policy(KEEP_ONE_ANY), images, NOW)

    messages = [str(warning) for warning in preview.warnings]
    assert any("v2: created 1970-01-01 is not a real date" in m for m in messages)
    assert any(w.rule == 1 and "same push time" in w.message for w in preview.warnings)
    assert "push time taken from created" in preview.decision(digest_of("repro")).text


def test_a_referrer_names_the_subject_it_follows() -> None:
    old = digest_of("old")
    images = [
        image("old", "v1", ago=9),
        image("new", ago=1),
        image("sig", ago=0, subject=old),
    ]

    preview = evaluate(parse_policy(KEEP_ONE_ANY), images, NOW)

    assert preview.decision(digest_of("sig")).follows == old
    assert preview.expiring_count == 2


def test_cosign_tags_name_their_subject() -> None:
    hexdigest = "ab" * 32
    assert cosign_subject(f"sha256-{hexdigest}.att") == f"sha256:{hexdigest}"
    assert cosign_subject(f"sha256-{hexdigest}.sig.bak") is None
    assert cosign_subject("v1.2.3") is None


def test_shared_blobs_are_freed_once_and_only_without_kept_references() -> None:
    images = [
        image("a", "a", ago=9, size=100, blobs=frozenset({"L", "M"})),
        image("b", "b", ago=8, size=10, blobs=frozenset({"L", "M"})),
        image("c", "c", ago=1, size=1, blobs=frozenset({"M"})),
    ]
    sizes = {"L": 1000, "M": 5000}

    preview = evaluate(parse_policy(OLDER_THAN_5), images, NOW, blob_sizes=sizes)

    assert preview.bytes_freed == 100 + 10 + 1000


def test_a_higher_selection_protects_and_says_from_what() -> None:
    text = _policy(
        '{"tagStatus": "tagged", "tagPrefixList": ["prod"], '
        '"countType": "imageCountMoreThan", "countNumber": 1}',
        '{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}',
    )
    images = [image("prod", "prod-1", ago=5), image("dev", "dev-1", ago=1)]

    preview = evaluate(parse_policy(text), images, NOW)

    reason = preview.decision(digest_of("prod")).reason
    assert reason is not None and reason.kind is KeepKind.PROTECTED
    assert (reason.rule, reason.basis, reason.protected_from) == (1, WITHIN, (2,))
    assert "protected by rule 1" in str(reason)


def test_ecr_json_mirrors_get_lifecycle_policy_preview() -> None:
    text = _policy(
        '{"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", '
        '"countNumber": 30}',
        action='{"type": "transition", "targetStorageClass": "archive"}',
    )
    pushed = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    images = [image("old", "v1", pushed_at=pushed), image("new", ago=1, size=7)]

    document = preview_to_ecr_json(evaluate(parse_policy(text), images, NOW))

    assert document["previewResults"] == [
        {
            "imageDigest": digest_of("old"),
            "imageTags": ["v1"],
            "imagePushedAt": "2024-01-02T03:04:05Z",
            "action": {"type": "TRANSITION", "targetStorageClass": "archive"},
            "appliedRulePriority": 1,
        }
    ]
    assert document["summary"] == {"expiringImageTotalCount": 0}
    assert document["bytesFreed"] == 0
    kept = document["keptImages"]
    assert isinstance(kept, list) and kept[0]["reason"]["kind"] == "not-old-enough"
    json.dumps(document)


def test_naive_times_and_duplicate_digests_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PolicyImage("sha256:0", (), datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(parse_policy(KEEP_ONE_ANY), [], datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="given twice"):
        evaluate(parse_policy(KEEP_ONE_ANY), [image("a"), image("a")], NOW)
