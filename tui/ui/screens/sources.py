"""The registries the UI can browse, each opened once and kept until exit.

A :class:`Source` is one entry of the registries pane: the registry named on
the command line, or one from the configuration file. It is opened on first
use, so that a configured registry which is down costs nothing until someone
selects it, and it keeps one :class:`~tui.registry.backend.Registry` (one
connection pool) and one :class:`~tui.registry.images.Inspector` (one cache of
manifests and configs) for as long as the app runs. Deletes from any of them
go to the one delete journal that ``tagyard undo`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...config import Config
from ...connect import Target, open_registry, parse_target
from ...registry.backend import Registry
from ...registry.images import Inspector
from ...registry.journal import Journal

__all__ = ["Source", "Sources"]


@dataclass(eq=False)
class Source:
    """One registry in the registries pane, opened lazily."""

    label: str
    target: Target
    inspector: Inspector | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def registry(self) -> Registry | None:
        """The open registry, or None before the first :meth:`Sources.open`."""
        return self.inspector.registry if self.inspector else None


class Sources:
    """Every registry the app shows: the one asked for first, then the config's."""

    def __init__(
        self,
        config: Config,
        *,
        insecure: bool = False,
        read_only: bool = False,
        first: Target | None = None,
    ) -> None:
        self.config = config
        self.insecure = insecure
        self.read_only = read_only or config.read_only
        self.journal = Journal()
        self.items: list[Source] = []
        if first is not None:
            self.items.append(Source(first.registry, first))
        for host in config.registries:
            if all(source.label != host for source in self.items):
                target = parse_target(host, registry_only=True)
                self.items.append(Source(host, target))

    def open(self, source: Source) -> Inspector:
        """The source's inspector, opening the registry on first use.

        Raises :class:`~tui.registry.errors.RegistryError` when the registry
        cannot be opened (an unreadable credentials file, for instance).
        """
        if source.inspector is None:
            registry = open_registry(
                source.target,
                self.config,
                insecure=self.insecure,
                read_only=self.read_only,
                warn=source.warnings,
            )
            source.inspector = Inspector(registry)
        return source.inspector

    async def aclose(self) -> None:
        """Close every registry that was opened."""
        for source in self.items:
            if source.registry is not None:
                await source.registry.aclose()
            source.inspector = None
