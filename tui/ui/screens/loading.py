"""The browser's network work, and the messages that report its results.

The functions here run inside the browser's workers and turn every outcome,
failures included, into a message. Every message names the source (and
repository) it was loaded for, so that the handler can drop a result the user
has already moved away from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.message import Message

from ...registry.errors import RegistryError, RegistryUnreachable
from ...registry.models import TaggedImage
from .sources import Source, Sources

__all__ = [
    "LoadFailed",
    "RepositoriesLoaded",
    "TagsLoaded",
    "TagsProgressed",
    "list_repositories",
    "list_tags",
]

_NO_CATALOG = "this registry lists no repositories: + adds one by name"


class RepositoriesLoaded(Message):
    """The repository names of ``source`` arrived.

    ``answered`` is False when the names are only the bookmarks because the
    registry refused the catalog: that says nothing good about the registry.
    """

    def __init__(
        self, source: Source, names: list[str], note: str = "", answered: bool = True
    ) -> None:
        super().__init__()
        self.source = source
        self.names = names
        self.note = note
        self.answered = answered


class TagsProgressed(Message):
    """``done`` of ``total`` tags of ``repository`` are resolved."""

    def __init__(self, source: Source, repository: str, done: int, total: int) -> None:
        super().__init__()
        self.source = source
        self.repository = repository
        self.done = done
        self.total = total


class TagsLoaded(Message):
    """Every tag of ``repository``, each with its image or its error."""

    def __init__(
        self, source: Source, repository: str, entries: list[TaggedImage]
    ) -> None:
        super().__init__()
        self.source = source
        self.repository = repository
        self.entries = entries


class LoadFailed(Message):
    """Loading the repositories (``repository`` None) or the tags failed.

    ``error`` is the whole error as one line; ``problem`` the error itself,
    which says whether the registry as a whole is unreachable or refuses us.
    """

    def __init__(
        self,
        source: Source,
        repository: str | None,
        error: str,
        problem: RegistryError | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.repository = repository
        self.error = error
        self.problem = problem


async def list_repositories(
    sources: Sources, source: Source, *, named: bool = False
) -> RepositoriesLoaded | LoadFailed:
    """The repositories of ``source``, opening it first if needed.

    With ``named`` (a repository was given on the command line) a catalog the
    registry refuses is not a failure: many registries deny the catalog to
    accounts that may still pull, and the named repository can be opened
    without it. An unreachable registry is a failure either way.

    The registry's bookmarks (``bookmarks`` in its configuration table) are
    listed after the catalog's names, or alone when there is no catalog.
    """
    settings = sources.config.settings_for(source.label)
    bookmarks = list(settings.bookmarks) if settings else []
    try:
        registry = sources.open(source).registry
        if not registry.supports_catalog:
            await registry.ping()
            return RepositoriesLoaded(
                source, bookmarks, "" if bookmarks else _NO_CATALOG
            )
        names = await registry.repositories()
        names += [name for name in bookmarks if name not in names]
        return RepositoriesLoaded(source, names)
    except RegistryUnreachable as error:
        return LoadFailed(source, None, str(error), error)
    except RegistryError as error:
        if named or bookmarks:
            note = f"no catalog: {error.message}"
            return RepositoriesLoaded(source, bookmarks, note, answered=False)
        return LoadFailed(source, None, str(error), error)


async def list_tags(
    sources: Sources,
    source: Source,
    repository: str,
    post: Callable[[Message], object],
    settle: float = 0.0,
) -> TagsLoaded | LoadFailed:
    """Every tag of ``repository`` resolved, with progress posted on the way.

    ``settle`` is a pause before the first request, during which a newer
    request can still cancel this one for free.
    """
    await asyncio.sleep(settle)

    def progress(done: int, total: int) -> None:
        post(TagsProgressed(source, repository, done, total))

    try:
        inspector = sources.open(source)
        return TagsLoaded(
            source, repository, await inspector.tagged_images(repository, progress)
        )
    except RegistryError as error:
        return LoadFailed(source, repository, str(error), error)
