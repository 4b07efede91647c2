"""What the lifecycle policy of a repository says of each tag in the browser.

The lifecycle pane keeps the last preview it showed on the
:class:`~.screens.sources.Source`, per repository, but only for a policy the
user typed or loaded and only while that policy is valid. The browser's tags
table then shows a short verdict per tag (``expire (rule 1)``, ``keep``), the
count in its border, and the full reason in the details pane. A tag's verdict
is that of the image it points at.

The verdicts are those of the instant the pane evaluated at, which the border
names. They are not evaluated again when the tags are listed again (``r``,
after a delete, on coming back to the repository): if the tags listed are not
exactly those the pane read, the preview is dropped, and the column comes back
once the lifecycle pane evaluates the policy again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from rich.text import Text

from ..policy import ActionType, Decision, Preview
from ..registry.models import TaggedImage
from .screens.sources import Source
from .widgets.decisions import shown_decisions, when

__all__ = ["Verdicts", "stored_verdicts"]

_STYLES = {"expire": "bold red", "archive": "bold yellow", "keep": "green"}


class Verdicts:
    """One preview's decisions, looked up by the digest of a tag's image."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.by_digest = {d.image.digest: d for d in preview.decisions}

    def decision(self, entry: TaggedImage) -> Decision | None:
        """The decision on the image ``entry`` points at, if the preview has it."""
        if entry.image is None:
            return None
        return self.by_digest.get(entry.image.digest)

    def cell(self, entry: TaggedImage) -> Text:
        """The short verdict for the table: ``expire (rule 1)`` or ``keep``."""
        decision = self.decision(entry)
        if decision is None:
            return Text("")
        if decision.action is ActionType.EXPIRE:
            word, short = "expire", f"expire (rule {decision.rule})"
        elif decision.action is ActionType.TRANSITION:
            word, short = "archive", f"archive (rule {decision.rule})"
        else:
            word, short = "keep", "keep"
        return Text(short, style=_STYLES[word])

    def line(self, entry: TaggedImage) -> str:
        """The full reason for the details pane: ``policy: keep: within …``."""
        decision = self.decision(entry)
        return f"policy: {decision.text}" if decision else ""

    def summary(self, now: datetime) -> str:
        """``policy: 3 of 7 images expire (as of 18:00 UTC)`` for the border."""
        shown = len(shown_decisions(self.preview))
        expiring = self.preview.expiring_count
        at = self.preview.at.astimezone(UTC)
        moment = f"{at:%H:%M} UTC" if at.date() == now.date() else when(at)
        noun = "image" if shown == 1 else "images"
        return f"policy: {expiring} of {shown} {noun} expire (as of {moment})"

    def describes(self, entries: Iterable[TaggedImage]) -> bool:
        """Whether the preview was made over exactly these tags and images."""
        listed = {(e.tag, e.image.digest) for e in entries if e.image is not None}
        evaluated = {
            (tag, decision.image.digest)
            for decision in self.preview.decisions
            for tag in decision.image.tags
        }
        return listed == evaluated


def stored_verdicts(
    source: Source, repository: str, entries: list[TaggedImage] | None = None
) -> Verdicts | None:
    """The verdicts kept for ``repository``; None without a valid policy.

    Given the tags just listed, a preview that was made over other tags is
    dropped rather than shown wrong.
    """
    preview = source.previews.get(repository)
    if preview is None:
        return None
    verdicts = Verdicts(preview)
    if entries is not None and not verdicts.describes(entries):
        del source.previews[repository]
        return None
    return verdicts
