"""Applying a lifecycle preview: expire what it expires, through the safe delete path.

Each expiring image is deleted by digest with :class:`~tui.registry.deletes.Deleter`,
so it gets the same blast-radius check and journal entry as ``tagyard rm``.
A failure on one image is recorded and the others still run. ``transition``
actions move images to ECR's archive storage class, which only ECR has: they
are reported as not applicable and nothing is done for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..policy import ActionType, Preview
from ..registry.deletes import Deleter, plan_delete
from ..registry.errors import RegistryError
from ..registry.images import Inspector
from ..registry.journal import Journal
from ..registry.models import DeleteOutcome
from ..registry.reference import short_digest

__all__ = ["ApplyReport", "apply_preview"]

Progress = Callable[[int, int, str], None]
"""Called with (done, total, what is being deleted now)."""


@dataclass
class ApplyReport:
    """What applying a preview did, image by image."""

    deleted: list[DeleteOutcome] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    not_applicable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every expiring image was deleted."""
        return not self.failed


async def apply_preview(
    preview: Preview,
    inspector: Inspector,
    repository: str,
    journal: Journal | None = None,
    progress: Progress | None = None,
) -> ApplyReport:
    """Delete every image ``preview`` expires; report transitions as not applicable."""
    report = ApplyReport()
    deleter = Deleter(inspector, journal or Journal())
    acted = preview.acted
    try:
        for number, decision in enumerate(acted, start=1):
            image = decision.image
            name = ", ".join(image.tags) or short_digest(image.digest)
            if progress is not None:
                progress(number - 1, len(acted), name)
            if decision.action is ActionType.TRANSITION:
                report.not_applicable.append(
                    (image.digest, "moving to archive storage exists only on ECR")
                )
                continue
            # The inspector keeps the repository's tag listing between plans,
            # so planning N deletes reads the tags once, not N times: each
            # expiring image is a distinct digest, and deleting one does not
            # change which tags point at another.
            try:
                plan = await plan_delete(inspector, repository, digest=image.digest)
                report.deleted.append(await deleter.run(plan))
            except RegistryError as error:
                report.failed.append((image.digest, str(error)))
    finally:
        inspector.forget(repository)
    if progress is not None:
        progress(len(acted), len(acted), "")
    return report
