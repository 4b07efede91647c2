"""Filtering, sorting, marking and grouping rows, without the UI.

Covers tui.ui.listing and tui.ui.grouping, which import nothing from Textual.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tui.registry.models import Descriptor, Image, ImageManifest, TaggedImage
from tui.ui.grouping import GroupRow, NameRow, grouped_rows, namespace_of
from tui.ui.listing import (
    Filter,
    FilterError,
    Order,
    Sort,
    TagView,
    count_label,
    marked_range,
    natural_key,
    sort_tags,
    tags_title,
)


def entry(tag: str, day: int | None = 1, size: int = 100) -> TaggedImage:
    """A tag on an image made on ``day`` of March 2024 (None: no date)."""
    created = datetime(2024, 3, day, tzinfo=UTC) if day else None
    digest = f"sha256:{tag}"
    config = Descriptor("application/vnd.oci.image.config.v1+json", "sha256:c", 1)
    manifest = ImageManifest(digest, "m", b"", config, ())
    return TaggedImage(tag, Image(digest, "m", size, created, (), manifest))


def names(entries: list[TaggedImage]) -> list[str]:
    return [e.tag for e in entries]


# Natural order -------------------------------------------------------------------


def test_versions_sort_by_the_value_of_their_numbers() -> None:
    tags = ["v1.10", "v1.9", "v1.2.10", "v1.2.9", "v2", "v10", "latest", "1.0"]
    assert sorted(tags, key=natural_key) == [
        "1.0",
        "latest",
        "v1.2.9",
        "v1.2.10",
        "v1.9",
        "v1.10",
        "v2",
        "v10",
    ]


def test_natural_order_ignores_case_and_breaks_ties_by_the_name() -> None:
    assert sorted(["b", "A", "a", "B"], key=natural_key) == ["A", "a", "B", "b"]
    assert sorted(["build-1", "build-01"], key=natural_key) == ["build-01", "build-1"]
    assert sorted(["2.1.0", "2.1", "2.0.3"], key=natural_key) == [
        "2.0.3",
        "2.1",
        "2.1.0",
    ]


# Filters --------------------------------------------------------------------------


def test_plain_filter_is_a_substring_ignoring_case() -> None:
    query = Filter.parse("RC")
    assert query.active
    assert query.keep(["v1.0-rc1", "v1.0", "Release-RC"]) == ["v1.0-rc1", "Release-RC"]


@pytest.mark.parametrize("text", ["~^v1\\.\\d$", "re:^v1\\.\\d$"])
def test_regex_filter_with_either_prefix(text: str) -> None:
    assert Filter.parse(text).keep(["v1.9", "v1.10", "V1.2", "xv1.3"]) == [
        "v1.9",
        "V1.2",
    ]


def test_a_leading_bang_inverts_plain_and_regex_filters() -> None:
    tags = ["main", "pr-1", "pr-2", "v1"]
    assert Filter.parse("!pr-").keep(tags) == ["main", "v1"]
    assert Filter.parse("!~^(main|v1)$").keep(tags) == ["pr-1", "pr-2"]


@pytest.mark.parametrize("text", ["", "!", "~", "re:", "!~"])
def test_filters_that_say_nothing_yet_keep_everything(text: str) -> None:
    query = Filter.parse(text)
    assert not query.active
    assert query.keep(["a", "b"]) == ["a", "b"]


def test_a_broken_regex_is_a_filter_error() -> None:
    with pytest.raises(FilterError, match="not a regular expression"):
        Filter.parse("~v1.(")


def test_counts_read_like_a_person_writes_them() -> None:
    assert count_label(37, 2187) == "37 of 2,187"
    assert count_label(1, 2000) == "1 of 2,000"


# Sorting --------------------------------------------------------------------------


def test_sorts_cycle_name_created_size_and_flip() -> None:
    sort = Sort()
    assert sort.label == "by name"
    assert sort.flipped().label == "by name, reversed"
    assert sort.cycled() == Sort(Order.CREATED)
    assert sort.cycled().label == "newest first"
    assert sort.cycled().flipped().label == "oldest first"
    assert sort.cycled().cycled().label == "largest first"
    assert sort.cycled().flipped().cycled() == Sort(Order.SIZE)
    assert sort.cycled().cycled().cycled() == Sort()
    assert (
        tags_title("team/many", Sort(Order.CREATED))
        == "tags of team/many · newest first"
    )


def test_sort_by_name_is_natural() -> None:
    entries = [entry("v1.10"), entry("v1.9"), entry("v1.1")]
    assert names(sort_tags(entries, Sort())) == ["v1.1", "v1.9", "v1.10"]
    assert names(sort_tags(entries, Sort(reverse=True))) == ["v1.10", "v1.9", "v1.1"]


def test_sort_by_created_is_newest_first_and_unknown_dates_go_last() -> None:
    broken = TaggedImage("broken", None, "manifest unknown")
    entries = [
        entry("a", 2),
        entry("b", 5),
        broken,
        entry("undated", None),
        entry("c", 3),
    ]
    newest = sort_tags(entries, Sort(Order.CREATED))
    oldest = sort_tags(entries, Sort(Order.CREATED, reverse=True))
    assert names(newest) == ["b", "c", "a", "broken", "undated"]
    assert names(oldest) == ["a", "c", "b", "broken", "undated"]


def test_sort_by_size_is_largest_first_and_ties_keep_name_order() -> None:
    entries = [entry("v2", size=5), entry("v10", size=9), entry("v1", size=5)]
    assert names(sort_tags(entries, Sort(Order.SIZE))) == ["v10", "v1", "v2"]
    assert names(sort_tags(entries, Sort(Order.SIZE, True))) == ["v1", "v2", "v10"]


# Marks ----------------------------------------------------------------------------


def test_range_runs_from_the_anchor_to_the_current_row_either_way() -> None:
    rows = ["a", "b", "c", "d", "e"]
    assert marked_range(rows, "b", "d") == ["b", "c", "d"]
    assert marked_range(rows, "d", "b") == ["b", "c", "d"]
    assert marked_range(rows, None, "c") == ["c"]
    assert marked_range(rows, "gone", "c") == ["c"]
    assert marked_range(rows, "a", "gone") == []


def test_view_filters_sorts_and_keeps_marks_on_tags_that_stay() -> None:
    view = TagView()
    view.open("registry team/many")
    view.load([entry("v1.10", 3), entry("v1.9", 2), entry("v2.0", 1)])
    view.filter = Filter.parse("v1")
    assert names(view.rows()) == ["v1.9", "v1.10"]

    assert view.toggle("v1.9") is True
    assert view.mark_range(names(view.rows()), "v1.10") == ["v1.9", "v1.10"]
    view.sort = Sort(Order.CREATED)
    assert names(view.marked()) == ["v1.10", "v1.9"]

    # A reload of the same repository keeps what still exists.
    view.open("registry team/many")
    view.load([entry("v1.10", 3), entry("v2.0", 1)])
    assert view.marks == {"v1.10"}
    assert view.filter.text == "v1"
    assert view.toggle("v1.10") is False and view.marks == set()

    # Another repository starts without filter or marks; the order stays.
    view.toggle("v2.0")
    view.open("registry other")
    assert view.marks == set() and not view.filter.active
    assert view.sort == Sort(Order.CREATED)


def test_an_empty_load_while_reloading_keeps_the_marks() -> None:
    view = TagView()
    view.load([entry("a"), entry("b")])
    view.toggle("a")
    view.load([])
    assert view.marked() == []
    view.load([entry("a"), entry("b")])
    assert names(view.marked()) == ["a"]


# Namespaces ------------------------------------------------------------------------


REPOSITORIES = ["acme/api", "acme/web", "base/debian", "solo", "team/backend/api"]


def test_repositories_group_under_their_first_path_part() -> None:
    assert namespace_of("team/backend/api") == "team"
    assert namespace_of("solo") == ""
    rows = grouped_rows(REPOSITORIES, collapsed=set(), query=Filter())
    assert rows == [
        GroupRow("acme", 2, False),
        NameRow("acme/api", "api"),
        NameRow("acme/web", "web"),
        GroupRow("base", 1, False),
        NameRow("base/debian", "debian"),
        NameRow("solo", "solo"),
        GroupRow("team", 1, False),
        NameRow("team/backend/api", "backend/api"),
    ]
    assert [row.id for row in rows[:2]] == ["acme/", "acme/api"]


def test_collapsed_namespaces_hide_their_repositories_until_a_filter_matches() -> None:
    collapsed = {"acme", "team"}
    rows = grouped_rows(REPOSITORIES, collapsed=collapsed, query=Filter())
    assert [row.id for row in rows] == [
        "acme/",
        "base/",
        "base/debian",
        "solo",
        "team/",
    ]
    assert rows[0] == GroupRow("acme", 2, True)

    found = grouped_rows(REPOSITORIES, collapsed=collapsed, query=Filter.parse("api"))
    assert [row.id for row in found] == [
        "acme/",
        "acme/api",
        "team/",
        "team/backend/api",
    ]
    assert found[0] == GroupRow("acme", 1, False)


def test_the_listing_modules_import_nothing_from_textual() -> None:
    code = (
        "import sys, tui.ui.listing, tui.ui.grouping; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
