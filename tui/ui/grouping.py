"""Repositories grouped by namespace, as rows of a list, free of any widget.

A namespace is the first part of a repository name: ``team`` holds
``team/backend/api`` and ``team/many``. A name without a slash belongs to no
namespace and is listed on its own. Each namespace gets a header row that
can be collapsed; while a filter is active, every namespace with a match is
shown open, so that nothing that matches is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .listing import Filter

__all__ = ["GroupRow", "NameRow", "grouped_rows", "header_id", "namespace_of"]


def namespace_of(name: str) -> str:
    """``team`` for ``team/backend/api``; ``""`` for a name without a slash."""
    return name.split("/", 1)[0] if "/" in name else ""


def header_id(namespace: str) -> str:
    """The id of a namespace's header row.

    Repository names never end in a slash, so the id cannot be taken for one.
    """
    return f"{namespace}/"


@dataclass(frozen=True)
class GroupRow:
    """The header of a namespace: how many of its repositories are listed."""

    namespace: str
    size: int
    collapsed: bool

    @property
    def id(self) -> str:
        """The row's id (:func:`header_id`)."""
        return header_id(self.namespace)


@dataclass(frozen=True)
class NameRow:
    """One repository; ``short`` is its name without the namespace."""

    name: str
    short: str

    @property
    def id(self) -> str:
        """The row's id: the repository name."""
        return self.name


def grouped_rows(
    names: Iterable[str], *, collapsed: set[str], query: Filter
) -> list[GroupRow | NameRow]:
    """The rows to list: headers in the order their namespaces first appear.

    Names that ``query`` drops are left out, and so are namespaces left
    without names. An active query shows every namespace open.
    """
    groups: dict[str, list[str]] = {}
    for name in query.keep(names):
        groups.setdefault(namespace_of(name), []).append(name)

    rows: list[GroupRow | NameRow] = []
    for namespace, members in groups.items():
        if not namespace:
            rows.extend(NameRow(name, name) for name in members)
            continue
        closed = namespace in collapsed and not query.active
        rows.append(GroupRow(namespace, len(members), closed))
        if not closed:
            start = len(namespace) + 1
            rows.extend(NameRow(name, name[start:]) for name in members)
    return rows
