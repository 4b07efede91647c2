"""How long evaluating a realistic policy over 100,000 images takes.

Run with ``python benchmarks/policy_eval.py``. The repository is synthetic but
shaped like a busy one: release tags, branch builds, commit tags, untagged
leftovers and archived images, pushed over two years, sharing base layers. The
figure printed is the best of five runs of :func:`tui.policy.evaluate`; the
goal is well under one second on one core.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Lets the script run from a plain checkout, without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.policy import PolicyImage, evaluate, parse_policy

IMAGES = 100_000
RUNS = 5
NOW = datetime(2024, 7, 1, tzinfo=UTC)
POLICY = """{"rules": [
  {"rulePriority": 1, "description": "keep the last 50 releases",
   "selection": {"tagStatus": "tagged", "tagPatternList": ["v*.*.*"],
                 "countType": "imageCountMoreThan", "countNumber": 50},
   "action": {"type": "expire"}},
  {"rulePriority": 2, "description": "main builds (with a commit tag) live two weeks",
   "selection": {"tagStatus": "tagged", "tagPatternList": ["main-*", "sha-*"],
                 "countType": "sinceImagePushed", "countUnit": "days",
                 "countNumber": 14},
   "action": {"type": "expire"}},
  {"rulePriority": 3, "description": "untagged leftovers go after a day",
   "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                 "countUnit": "days", "countNumber": 1},
   "action": {"type": "expire"}},
  {"rulePriority": 4, "description": "archive what nobody pulls",
   "selection": {"tagStatus": "any", "countType": "sinceImagePulled",
                 "countUnit": "days", "countNumber": 90},
   "action": {"type": "transition", "targetStorageClass": "archive"}},
  {"rulePriority": 5, "description": "archived images go after a year",
   "selection": {"tagStatus": "any", "storageClass": "archive",
                 "countType": "sinceImageTransitioned", "countUnit": "days",
                 "countNumber": 365},
   "action": {"type": "expire"}}
]}"""


def _tags(rng: random.Random, n: int) -> tuple[str, ...]:
    kind = rng.random()
    if kind < 0.15:
        return ()
    if kind < 0.35:
        return (f"v{n % 7}.{n % 40}.{n}", "latest") if n % 50 == 0 else (f"v1.{n}.0",)
    if kind < 0.75:
        return (f"{rng.choice(['main', 'dev'])}-{n:07x}", f"sha-{n:012x}")
    return (f"feature-{n % 300}-{n}",)


def repository(seed: int = 7) -> list[PolicyImage]:
    """A synthetic repository of ``IMAGES`` images, the same for a given seed."""
    rng = random.Random(seed)
    base_layers = [f"sha256:base{n:04d}" for n in range(200)]
    images = []
    for n in range(IMAGES):
        pushed = NOW - timedelta(seconds=rng.randrange(2 * 365 * 86400))
        archived = rng.random() < 0.1
        pulled = None if rng.random() < 0.3 else pushed + (NOW - pushed) * rng.random()
        images.append(
            PolicyImage(
                digest=f"sha256:{n:064x}",
                tags=_tags(rng, n),
                pushed_at=pushed,
                pulled_at=pulled,
                storage_class="archive" if archived else "standard",
                transitioned_at=pushed + timedelta(days=90) if archived else None,
                size=rng.randrange(1_000_000, 50_000_000),
                blobs=frozenset(rng.sample(base_layers, 2)),
            )
        )
    return images


def main() -> None:
    """Build the repository, evaluate the policy five times, print the best."""
    policy = parse_policy(POLICY)
    images = repository()
    sizes = {f"sha256:base{n:04d}": 30_000_000 for n in range(200)}
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        preview = evaluate(policy, images, NOW, blob_sizes=sizes)
        timings.append(time.perf_counter() - start)
    print(
        f"evaluate: {len(images):,} images, {len(policy.rules)} rules: "
        f"best of {RUNS} {min(timings):.3f} s "
        f"({preview.expiring_count:,} expiring, "
        f"{preview.transitioning_count:,} to archive, "
        f"{preview.bytes_freed / 1e9:.1f} GB freed)"
    )


if __name__ == "__main__":
    main()
