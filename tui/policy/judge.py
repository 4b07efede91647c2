"""How one rule sees a repository, judged on its own.

A rule *selects* images by storage class, tag status and tags, and among
those names *candidates*: images beyond its newest N, or older than N days.
:class:`EvaluatedImages` works out once what every rule needs (which images
are evaluated at all, real push times, the newest-first order) and then
judges rule after rule. :mod:`tui.policy.evaluate` combines the verdicts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from operator import itemgetter

from .images import FIRST_REAL_DATE, PolicyImage, referrer_subject
from .model import CountType, Rule, TagStatus
from .preview import KeepKind, PreviewWarning, image_name

__all__ = ["EvaluatedImages", "Verdicts"]

Verdicts = dict[int, KeepKind | None]
"""Image position -> None for a candidate of the rule, or why the rule keeps it."""


def _contains(needle: str) -> Callable[[str], bool]:
    return lambda joined: needle in joined


def _searches(regex: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda joined: regex.search(joined) is not None


def _tag_test(rule: Rule) -> Callable[[str], bool]:
    """A test on an image's tags framed by line breaks: ``"\\na\\nb\\n"``.

    One substring search or regex per list entry replaces a loop over tags,
    which is what keeps a 100,000-image evaluation fast.
    """
    entries = (*rule.tag_prefixes, *rule.tag_patterns)
    if any("\n" in entry for entry in entries):
        # No tag holds a line break, so such an entry matches nothing; letting
        # it through would match across two tags of the joined string.
        return lambda joined: False
    tests = [_contains(f"\n{prefix}") for prefix in rule.tag_prefixes]
    for pattern in rule.tag_patterns:
        stars = pattern.count("*")
        if stars == 0:
            tests.append(_contains(f"\n{pattern}\n"))
        elif stars == 1 and pattern.endswith("*"):
            tests.append(_contains(f"\n{pattern[:-1]}"))
        else:
            parts = (re.escape(part) for part in pattern.split("*"))
            tests.append(_searches(re.compile("\n" + "[^\n]*".join(parts) + "\n")))
    if len(tests) == 1:
        return tests[0]
    return lambda joined: all(test(joined) for test in tests)


class EvaluatedImages:
    """The images being evaluated, with what every rule needs worked out once."""

    def __init__(self, images: list[PolicyImage], at: datetime) -> None:
        self.images = images
        self.at = at
        self.warnings: list[PreviewWarning] = []
        self.position: dict[str, int] = {}
        self.referrers: dict[int, str] = {}
        self.evaluated: list[int] = []
        self.pushed: list[datetime | None] = [None] * len(images)
        self.joined = ["\n" + "\n".join(image.tags) + "\n" for image in images]
        for index, image in enumerate(images):
            if image.digest in self.position:
                raise ValueError(f"image {image.digest} is given twice")
            self.position[image.digest] = index
            if image.referenced_by_index:
                continue
            # Only cosign tags start with "sha256-": checking for that first
            # spares a regex per tag on every other image.
            maybe = image.subject is not None or "\nsha256-" in self.joined[index]
            subject = referrer_subject(image) if maybe else None
            pushed = image.pushed_at
            if subject is not None:
                self.referrers[index] = subject
            elif pushed is not None and pushed >= FIRST_REAL_DATE:
                self.evaluated.append(index)
                self.pushed[index] = pushed
            else:
                self.evaluated.append(index)
                self._warn_unknown_time(image)
        dated = [
            (moment, images[i].digest, i)
            for i, moment in enumerate(self.pushed)
            if moment is not None
        ]
        # Sorting by digest first and then, stably, by time keeps equal times
        # in digest order: the documented tie-break.
        dated.sort(key=itemgetter(1))
        dated.sort(key=itemgetter(0), reverse=True)
        self.newest_first = [i for _, _, i in dated]

        # Rules select within one storage class and by tag status; grouping
        # the images that way once spares every rule a pass over all of them.
        self.groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
        for i in self.evaluated:
            image = images[i]
            self.groups[(image.storage_class, bool(image.tags))].append(i)

    def _warn_unknown_time(self, image: PolicyImage) -> None:
        pushed = image.pushed_at
        name = image_name(image)
        if pushed is None:
            problem = f"{name}: no push time is known"
        else:
            problem = (
                f"{name}: {image.time_source} {pushed:%Y-%m-%d} is not a real date "
                f"(it is before {FIRST_REAL_DATE:%Y-%m-%d})"
            )
        self.warnings.append(
            PreviewWarning(
                f"{problem}; rules that go by push time keep it instead of "
                "treating it as the oldest",
                image.digest,
            )
        )

    def select(self, rule: Rule) -> list[int]:
        """Positions of the images the rule's selection matches."""
        tagged = self.groups.get((rule.storage_class, True), [])
        untagged = self.groups.get((rule.storage_class, False), [])
        if rule.tag_status is TagStatus.ANY:
            return tagged + untagged
        if rule.tag_status is TagStatus.UNTAGGED:
            return list(untagged)
        test, joined = _tag_test(rule), self.joined
        return [i for i in tagged if test(joined[i])]

    def judge(self, rule: Rule) -> Verdicts:
        """The rule's view of every image it selects, ignoring all other rules."""
        selected = self.select(rule)
        if rule.count_type is CountType.IMAGE_COUNT_MORE_THAN:
            return self._judge_by_count(rule, selected)

        threshold = self.at - timedelta(days=rule.count_number)
        unknown, young = KeepKind.TIME_UNKNOWN, KeepKind.NOT_OLD_ENOUGH
        times = self._times(rule.count_type, selected)
        return {
            i: unknown if moment is None else None if moment < threshold else young
            for i, moment in zip(selected, times, strict=True)
        }

    def _times(
        self, count_type: CountType, selected: list[int]
    ) -> list[datetime | None]:
        """The time each selected image's age is measured from, None if unknown."""
        if count_type is CountType.SINCE_IMAGE_PUSHED:
            return [self.pushed[i] for i in selected]
        images = self.images
        if count_type is CountType.SINCE_IMAGE_TRANSITIONED:
            return [images[i].transitioned_at for i in selected]
        return [self._last_used(i) for i in selected]

    def _last_used(self, i: int) -> datetime | None:
        image = self.images[i]
        used = image.pulled_at if image.pulled_at is not None else self.pushed[i]
        if used is None or image.activated_at is None:
            return used
        return max(used, image.activated_at)

    def _judge_by_count(self, rule: Rule, selected: list[int]) -> Verdicts:
        chosen = set(selected)
        ranked = [i for i in self.newest_first if i in chosen]
        keep = rule.count_number
        verdicts: Verdicts = {
            i: KeepKind.TIME_UNKNOWN for i in selected if self.pushed[i] is None
        }
        verdicts.update(dict.fromkeys(ranked[:keep], KeepKind.WITHIN_NEWEST))
        verdicts.update(dict.fromkeys(ranked[keep:]))
        if (
            len(ranked) > keep
            and self.pushed[ranked[keep - 1]] == self.pushed[ranked[keep]]
        ):
            self._warn_tie(rule, ranked)
        return verdicts

    def _warn_tie(self, rule: Rule, ranked: list[int]) -> None:
        keep = rule.count_number
        moment = self.pushed[ranked[keep]]
        tied = [(n, i) for n, i in enumerate(ranked) if self.pushed[i] == moment]
        inside = _names(self.images[i] for n, i in tied if n < keep)
        outside = _names(self.images[i] for n, i in tied if n >= keep)
        self.warnings.append(
            PreviewWarning(
                f"rule {rule.priority}: {len(tied)} images have the same push time "
                f"{moment:%Y-%m-%d %H:%M:%S} across its keep-{keep} boundary; ties "
                f"go by digest, so {inside} counted as newer than {outside}",
                rule=rule.priority,
            )
        )


def _names(images: Iterable[PolicyImage], limit: int = 3) -> str:
    names = [image_name(image) for image in images]
    shown = ", ".join(names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown
