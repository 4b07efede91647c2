"""One lifecycle policy and the images of ``team/app`` it is tried on.

``tagyard policy`` (``test_policy_cli.py``) and the lifecycle pane
(``test_ui_lifecycle.py``) evaluate the same policy on the same images at
the same instant, so their verdicts can be compared with each other.
"""

from __future__ import annotations

import copy
from typing import Any

from seed import push_image

# The instant the policy is evaluated at: pr-7 is older than 14 days, pr-8 not.
AT = "2024-07-01T00:00:00Z"
POLICY: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep the two newest releases",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["release-*"],
                "countType": "imageCountMoreThan",
                "countNumber": 2,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "pull-request builds live 14 days",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": ["pr-"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
    ]
}
# tag -> created; release-3 and "stable" share one image.
IMAGES = {
    ("release-1",): "2024-01-01T00:00:00Z",
    ("release-2",): "2024-02-01T00:00:00Z",
    ("release-3", "stable"): "2024-03-01T00:00:00Z",
    ("release-4",): "2024-04-01T00:00:00Z",
    ("pr-7",): "2024-06-01T00:00:00Z",
    ("pr-8",): "2024-06-25T00:00:00Z",
    ("main",): "2023-01-01T00:00:00Z",
}


def policy_copy() -> dict[str, Any]:
    """A deep copy of ``POLICY``, for a test to change."""
    return copy.deepcopy(POLICY)


def push_images(base_url: str) -> dict[tuple[str, ...], str]:
    """Push ``IMAGES`` to ``team/app``; return the digest of each tag group."""
    digests = {}
    for number, (tags, created) in enumerate(IMAGES.items()):
        config = {"created": created, "os": "linux", "architecture": "amd64"}
        layer = f"layer of image {number}".encode()
        digest = push_image(base_url, "team/app", tags[0], config, [layer])
        for extra in tags[1:]:
            push_image(base_url, "team/app", extra, config, [layer])
        digests[tags] = digest
    return digests
