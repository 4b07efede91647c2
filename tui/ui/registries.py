"""Adding, editing and removing registries, and bookmarking repositories.

Changes go to tagyard's configuration file (:mod:`tui.config_edit`), and the
browser then shows the file as saved: the registries list is filled again
(each registry checked anew), a registry whose settings changed is reopened,
and one that was removed is closed and forgotten by the history.

A registry named on the command line or known only from docker's
``config.json`` is not in tagyard's file, so it cannot be removed here; it
can be edited, which gives it a table of its own in the file. Bookmarks are
kept for registries reached by host; a directory of OCI layouts lists all its
repositories anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Config, ConfigError
from ..config_edit import RegistryEntry, add_bookmark, remove_registry, save_registry
from ..registry.errors import RegistryError
from ..registry.reference import normalize_host, parse_repository
from .navigation import Location
from .screens.confirm import ConfirmScreen
from .screens.registryform import RegistryForm, RepositoryPrompt, Submit
from .screens.sources import Source, Sources
from .widgets.lists import NameList
from .widgets.registries import RegistryList

if TYPE_CHECKING:
    from .screens.browser import BrowserScreen

__all__ = ["NOTHING_CONFIGURED", "RegistryManager"]

NOTHING_CONFIGURED = """No registry to show yet. Start tagyard with one:

  tagyard HOST[:PORT]    a registry, as in tagyard localhost:5000
  tagyard oci:PATH       a directory of OCI image layouts
  tagyard --demo         the bundled sample

Registries configured as [registries."HOST"] tables in {path}
are listed here too: a, in the registries pane, adds one."""


class RegistryManager:
    """Carries out the registries' and repositories' list keys for the browser."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen

    @property
    def sources(self) -> Sources:
        """The registries the browser shows."""
        return self.screen.sources

    def _find(self, label: str) -> Source | None:
        return next((s for s in self.sources.items if s.label == label), None)

    def shows_failure_of(self, label: str) -> bool:
        """Whether the repositories or tags pane shows the last failure of ``label``."""
        source = self.screen.source
        return source is not None and source.label == label and bool(source.reported)

    # Registries ------------------------------------------------------------------

    def add_registry(self) -> None:
        """Ask for a new registry and save it."""
        self.screen.app.push_screen(RegistryForm("Add a registry", self._saver(None)))

    def edit_registry(self, label: str) -> None:
        """Change the settings of the registry ``label``."""
        source = self._find(label)
        if source is None or source.target.layout is not None:
            self.screen.notify("A directory of OCI layouts has no settings to edit")
            return
        settings = self.sources.config.settings_for(label)
        title = f"Edit {label}"
        if settings is None:
            title = f"Settings for {label}, new in {self.sources.config.path}"
        form = RegistryForm(title, self._saver(label), settings, host=label)
        self.screen.app.push_screen(form)

    def _saver(self, replaces: str | None) -> Submit:
        def submit(entry: RegistryEntry) -> str | None:
            try:
                config = save_registry(
                    entry, path=self.sources.config.path, replaces=replaces
                )
            except ConfigError as error:
                return str(error)
            self._apply(config, select=normalize_host(entry.host))
            self.screen.notify(f"Saved {entry.host} in {config.path}", markup=False)
            return None

        return submit

    def remove_registry(self, label: str) -> None:
        """Remove the registry ``label`` from the configuration file, once confirmed."""
        source = self._find(label)
        if source is None:
            return
        if source.origin != "config":
            reason = {
                "command line": "it was named on the command line",
                "docker config": f"docker has a login for it (docker logout {label})",
            }.get(source.origin, "it is not in the configuration file")
            self.screen.notify(f"{label} stays: {reason}", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                config = remove_registry(label, path=self.sources.config.path)
            except ConfigError as error:
                self.screen.notify(str(error), severity="error", markup=False)
                return
            self._apply(config, select=None)
            self.screen.notify(f"Removed {label} from {config.path}", markup=False)

        body = (
            f"Remove [registries.{label!r}] and its bookmarks from "
            f"{self.sources.config.path}?\nThe registry itself is not touched."
        )
        confirm = ConfirmScreen(f"Remove {label}", body, "Remove")
        self.screen.app.push_screen(confirm, answered)

    def _apply(self, config: Config, select: str | None) -> None:
        self.screen.run_worker(
            self._reconfigure(config, select),
            group="reconfigure",
            exclusive=True,
            exit_on_error=False,
        )

    async def _reconfigure(self, config: Config, select: str | None) -> None:
        screen = self.screen
        await self.sources.reconfigure(config)
        current = screen.source
        registries = screen.query_one("#registries", RegistryList)
        registries.show_names([source.label for source in self.sources.items])
        registries.highlight_name(select or (current.label if current else ""))
        if current is not None and current not in self.sources.items:
            screen.source = screen.repository = None
            screen.query_one("#repositories", NameList).clear_options()
            screen.tags.show_entries([])
            screen.navigator.forget(current)
        elif current is not None and current.inspector is None:
            # Its settings changed, which closed it: list it again with them.
            screen.action_refresh()

    # Repositories ----------------------------------------------------------------

    def add_repository(self) -> None:
        """Ask for a repository name, keep it as a bookmark and open it."""
        source = self.screen.source
        if source is None:
            self.screen.notify("Open a registry first", severity="warning")
            return

        def validate(name: str) -> str | None:
            try:
                parse_repository(f"{self._host(source)}/{name}")
            except RegistryError as error:
                return str(error)
            return None

        def chosen(name: str | None) -> None:
            if name:
                self._bookmark(source, name)

        prompt = RepositoryPrompt(f"Open a repository of {source.label}", validate)
        self.screen.app.push_screen(prompt, chosen)

    @staticmethod
    def _host(source: Source) -> str:
        return "localhost" if source.target.layout is not None else source.label

    def _bookmark(self, source: Source, name: str) -> None:
        name = parse_repository(f"{self._host(source)}/{name}").repository
        screen = self.screen
        if source.target.layout is not None:
            # A layout directory lists every repository it has already.
            if screen.query_one("#repositories", NameList).highlight_name(name):
                screen.navigator.jump(name)
            else:
                screen.notify(f"{source.label} has no repository {name}")
            return
        try:
            config = add_bookmark(source.label, name, path=self.sources.config.path)
        except ConfigError as error:
            screen.notify(str(error), severity="error", markup=False)
            return
        screen.run_worker(self._open_bookmark(config, source, name), group="bookmark")

    async def _open_bookmark(self, config: Config, source: Source, name: str) -> None:
        screen = self.screen
        await self.sources.reconfigure(config)
        # Listing the registry again shows the bookmark; then it is opened.
        screen.navigator.history.visit(Location(source, name))
        screen._want_repository = name
        screen.open_source(source)
        screen.focus_pane("tags")
