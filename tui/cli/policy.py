"""``tagyard policy validate | preview | apply``: ECR lifecycle policies anywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ..config import Config
from ..connect import open_registry
from ..lifecycle.apply import apply_preview
from ..lifecycle.sources import Snapshot, from_describe_images, from_repository
from ..policy import ActionType, Policy, PolicyError, Preview, evaluate, parse_policy
from ..policy import preview_to_ecr_json as ecr_json
from ..registry.errors import InvalidReference, RegistryError
from ..registry.images import Inspector
from ..registry.journal import Journal
from ..registry.manifests import parse_datetime
from .commands import refuse_if_read_only, repository_target
from .output import format_size, iso, short_digest, table

__all__ = ["apply", "parse_at", "preview", "read_policy", "validate"]

Confirm = Callable[[str], bool]


class PolicyFileError(RegistryError):
    """A policy file that cannot be read or is invalid."""


def read_policy(path: str) -> Policy:
    """Read and validate a policy file; every problem in one message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        return parse_policy(text)
    except PolicyError as error:
        lines = [f"{path}: {error.args[0]}"]
        raise PolicyFileError("\n".join(lines)) from None


def parse_at(text: str | None) -> datetime:
    """``--at``: an ISO 8601 time or date (UTC unless it says otherwise)."""
    if text is None:
        return datetime.now(UTC)
    moment = parse_datetime(text if "T" in text else f"{text}T00:00:00Z")
    if moment is None:
        raise InvalidReference(
            f"--at {text!r} is not a time",
            hint="Write it as 2026-12-10 or 2026-12-10T12:00:00Z",
        )
    return moment


def validate(path: str, out: TextIO) -> int:
    """Check a policy file; prints its rules or every problem."""
    policy = read_policy(path)
    out.write(f"{path}: valid, {len(policy.rules)} rule(s)\n")
    for rule in policy.rules:
        label = rule.description or ""
        suffix = f" ({label})" if label else ""
        out.write(f"  rule {rule.priority}: {rule.action}{suffix}\n")
    for warning in policy.warnings:
        out.write(f"warning: {warning}\n")
    return 0


async def load_snapshot(
    repository: str | None,
    images_file: str | None,
    config: Config,
    insecure: bool,
) -> tuple[Snapshot, Inspector | None]:
    """The images to evaluate: a live repository or a describe-images export."""
    if images_file is not None:
        try:
            text = Path(images_file).read_text(encoding="utf-8")
        except OSError as error:
            raise PolicyFileError(
                f"cannot read {images_file}: {error.strerror}"
            ) from None
        return from_describe_images(text), None
    if repository is None:
        raise InvalidReference("give a REPOSITORY or --images FILE")
    target = repository_target(repository)
    assert target.repository is not None
    registry = open_registry(target, config, insecure=insecure)
    inspector = Inspector(registry)
    try:
        snapshot = await from_repository(inspector, target.repository, catalogued=False)
        return snapshot, inspector
    except BaseException:
        await registry.aclose()
        raise


async def preview(
    repository: str | None,
    *,
    images_file: str | None,
    policy_file: str,
    at: str | None,
    as_json: bool,
    config: Config,
    insecure: bool,
    out: TextIO,
) -> int:
    """Show what the policy would do and why, without changing anything."""
    policy = read_policy(policy_file)
    moment = parse_at(at)
    snapshot, inspector = await load_snapshot(repository, images_file, config, insecure)
    if inspector is not None:
        await inspector.registry.aclose()
    result = evaluate(policy, snapshot.images, moment, blob_sizes=snapshot.blob_sizes)
    _write_preview(result, snapshot, moment, as_json, out)
    return 0


async def apply(
    repository: str,
    *,
    policy_file: str,
    at: str | None,
    as_json: bool,
    assume_yes: bool,
    config: Config,
    insecure: bool,
    read_only: bool,
    out: TextIO,
    err: TextIO,
    confirm: Confirm,
) -> int:
    """Re-read the repository, evaluate, confirm, then expire what the preview does."""
    refuse_if_read_only("policy apply", read_only, config)
    policy = read_policy(policy_file)
    moment = parse_at(at)
    snapshot, inspector = await load_snapshot(repository, None, config, insecure)
    assert inspector is not None
    try:
        result = evaluate(
            policy, snapshot.images, moment, blob_sizes=snapshot.blob_sizes
        )
        if not as_json:
            _write_preview(result, snapshot, moment, False, out)
        expiring = [d for d in result.acted if d.action is ActionType.EXPIRE]
        if not expiring:
            if as_json:
                out.write(json.dumps({"deleted": [], "failed": []}) + "\n")
            else:
                out.write("Nothing to expire.\n")
            return 0
        if not assume_yes and not confirm(f"Expire {len(expiring)} image(s)? [y/N] "):
            out.write("Nothing deleted.\n")
            return 1

        def progress(done: int, total: int, name: str) -> None:
            if not as_json:
                bar = "#" * (20 * done // max(total, 1))
                err.write(f"\r[{bar:<20}] {done}/{total} {name[:40]:<40}")
                if done == total:
                    err.write("\n")

        report = await apply_preview(
            result, inspector, snapshot.repository, Journal(), progress
        )
    finally:
        await inspector.registry.aclose()

    if as_json:
        payload = {
            "deleted": [
                {"imageDigest": o.digest, "imageTags": list(o.removed_tags)}
                for o in report.deleted
            ],
            "failed": [{"imageDigest": d, "error": e} for d, e in report.failed],
            "notApplicable": [
                {"imageDigest": d, "reason": r} for d, r in report.not_applicable
            ],
        }
        out.write(json.dumps(payload, indent=2) + "\n")
    else:
        for outcome in report.deleted:
            tags = ", ".join(outcome.removed_tags) or "untagged"
            out.write(f"Expired {short_digest(outcome.digest)} ({tags}).\n")
        for digest, reason in report.not_applicable:
            out.write(f"Not applied to {short_digest(digest)}: {reason}.\n")
        for digest, error in report.failed:
            err.write(f"tagyard: error: {short_digest(digest)}: {error}\n")
        hint = getattr(inspector.registry, "garbage_collection_hint", None)
        if hint and report.deleted:
            out.write(f"{hint}.\n")
    return 0 if report.ok else 1


def _write_preview(
    result: Preview, snapshot: Snapshot, moment: datetime, as_json: bool, out: TextIO
) -> None:
    notes = list(snapshot.notes)
    if as_json:
        payload: dict[str, Any] = ecr_json(result)
        payload["repositoryName"] = snapshot.repository
        payload["evaluatedAt"] = iso(moment)
        payload["notes"] = notes
        out.write(json.dumps(payload, indent=2) + "\n")
        return
    rows = []
    for decision in sorted(
        result.decisions, key=lambda d: (d.kept, d.rule or 0, d.image.digest)
    ):
        image = decision.image
        if image.referenced_by_index:
            continue
        verdict = "keep" if decision.kept else str(decision.action or "").lower()
        pushed = iso(image.pushed_at) or "-"
        source = "" if image.time_source == "push" else f" ({image.time_source})"
        rows.append(
            [
                verdict,
                ", ".join(image.tags) or "<untagged>",
                short_digest(image.digest),
                pushed + source,
                decision.text,
            ]
        )
    out.write(table(["ACTION", "TAGS", "DIGEST", "PUSHED", "WHY"], rows) + "\n")
    out.write(
        f"{result.expiring_count} of {len(rows)} image(s) expire at {iso(moment)}; "
        f"{format_size(result.bytes_freed)} freed.\n"
    )
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")
    for note in notes:
        out.write(f"note: {note}\n")
