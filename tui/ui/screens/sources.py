"""The registries the UI can browse, each opened once and kept until exit.

A :class:`Source` is one entry of the registries pane: the registry named on
the command line, one from the configuration file, or one docker has
credentials for (a key of ``auths`` in docker's ``config.json``; the several
spellings of Docker Hub count once). It is opened on first
use, so that a configured registry which is down costs nothing until someone
selects it, and it keeps one :class:`~tui.registry.backend.Registry` (one
connection pool) and one :class:`~tui.registry.images.Inspector` (one cache of
manifests and configs) for as long as the app runs. Deletes from any of them
go to the one delete journal that ``tagyard undo`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...config import Config, RegistrySettings
from ...connect import Target, open_registry, parse_target
from ...policy import Preview
from ...registry.backend import Registry
from ...registry.credentials import docker_login_hosts
from ...registry.images import Inspector
from ...registry.journal import Journal

__all__ = ["Source", "Sources"]


@dataclass(eq=False)
class Source:
    """One registry in the registries pane, opened lazily.

    Besides the open registry it keeps what the UI remembers about it for
    as long as the app runs: the lifecycle policy typed for each of its
    repositories (``policies``, so that closing the lifecycle pane loses
    nothing), the last preview of each valid one (``previews``, which the
    browser's tags table shows verdicts from) and the failure last notified
    (``reported``, so that moving through repositories of a registry that is
    down says so once).
    """

    label: str
    target: Target
    origin: str = "config"
    inspector: Inspector | None = None
    warnings: list[str] = field(default_factory=list)
    policies: dict[str, str] = field(default_factory=dict)
    previews: dict[str, Preview] = field(default_factory=dict)
    reported: str | None = None

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
            self.items.append(Source(first.registry, first, "command line"))
        self._add_hosts(config)

    def _add_hosts(self, config: Config) -> None:
        known = {source.label for source in self.items}
        hosts = [(host, "config") for host in config.registries]
        hosts += [(host, "docker config") for host in docker_login_hosts()]
        for host, origin in hosts:
            if host not in known:
                known.add(host)
                target = parse_target(host, registry_only=True)
                self.items.append(Source(host, target, origin))

    async def reconfigure(self, config: Config) -> None:
        """Use ``config`` from now on (after the UI changed the file).

        Registries that left the file (and that docker does not know either)
        leave the list; those whose settings changed are closed, to be opened
        again with the new settings on their next use.
        """
        before = self.config
        self.config = config
        docker = set(docker_login_hosts())
        kept: list[Source] = []
        for source in self.items:
            host = source.label
            if source.origin == "config" and host not in config.registries:
                if host not in docker:
                    await self.close(source)
                    continue
                source.origin = "docker config"
            if _connection(before, host) != _connection(config, host):
                await self.close(source)
            kept.append(source)
        self.items = kept
        self._add_hosts(config)

    async def close(self, source: Source) -> None:
        """Close the registry of ``source``; it opens again on its next use."""
        if source.registry is not None:
            await source.registry.aclose()
        source.inspector = None

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
            await self.close(source)


def _connection(config: Config, host: str) -> RegistrySettings | None:
    """How ``host`` is reached; its bookmarks do not change that."""
    settings = config.settings_for(host)
    return replace(settings, bookmarks=()) if settings else None
