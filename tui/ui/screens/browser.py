"""The main screen: registries, repositories, tags and details side by side.

Data flows one way. Moving the highlight starts a worker; the worker talks to
the registry and posts a message (:mod:`.loading`); the handler fills a pane,
unless the message is for a registry or repository the user has left.
Workers of one kind are exclusive, so a newer request also cancels the older
one instead of racing it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, OptionList
from textual.worker import Worker, WorkerState

from ...connect import Target
from ...registry.models import TaggedImage
from ..health import loaded, report_failure
from ..listing import tags_title
from ..navigation import Navigator
from ..registries import NOTHING_CONFIGURED, RegistryManager
from ..verdicts import stored_verdicts
from ..widgets.details import ImageDetails
from ..widgets.filterbar import ListingChanged, open_filter, sync_filter
from ..widgets.lists import NameList
from ..widgets.pane import Pane
from ..widgets.registries import RegistryList
from ..widgets.repositories import RepositoryList
from ..widgets.tags import TagTable
from ..words import plural
from ..writes import hidden_when_read_only
from . import bulk, deleting, loading
from .browser_keys import BROWSER_BINDINGS
from .changes import RepositoryChanged
from .clipboard import pull_command
from .copymenu import offer_copy
from .lifecycle import LifecycleScreen
from .loading import LoadFailed, RepositoriesLoaded, TagsLoaded, TagsProgressed
from .sources import Source, Sources

__all__ = ["BrowserScreen"]

_PANES = ("registries", "repositories", "tags", "details")
# Scrolling through repositories starts a tag listing per highlight; waiting
# this long first lets a quick run of key presses cost one listing, not ten.
_SETTLE_SECONDS = 0.15


class BrowserScreen(Screen[None]):
    """Four panes, from registry down to one image, driven by the keyboard."""

    # The pane to start in depends on the command line; on_mount picks it.
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = BROWSER_BINDINGS

    def __init__(self, sources: Sources, start: Target | None = None) -> None:
        super().__init__()
        self.sources = sources
        self.start = start
        self.source: Source | None = None
        self.repository: str | None = None
        self._want_repository = start.repository if start else None
        self._want_tag = start.tag if start else None
        self._want_row = 0
        self.navigator = Navigator(self)
        self.manager = RegistryManager(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browser"):
            with Vertical(id="left"):
                yield Pane(
                    "registries",
                    RegistryList(self.manager, id="registries"),
                    id="registries-pane",
                )
                yield Pane(
                    "repositories",
                    RepositoryList(id="repositories"),
                    id="repositories-pane",
                )
            with Vertical(id="right"):
                yield Pane("tags", TagTable(id="tags"), id="tags-pane")
                yield Pane("details", ImageDetails(id="details"), id="details-pane")
        yield Footer()

    def pane(self, name: str) -> Pane:
        """The pane around the widget ``name`` (one of registries ... details)."""
        return self.query_one(f"#{name}-pane", Pane)

    @property
    def tags(self) -> TagTable:
        """The tags table."""
        return self.query_one("#tags", TagTable)

    def on_mount(self) -> None:
        registries = self.query_one("#registries", NameList)
        registries.show_names([source.label for source in self.sources.items])
        if not self.sources.items:
            path = self.sources.config.path
            self.pane("registries").set_status("none configured")
            details = self.query_one("#details", ImageDetails)
            details.show_text(NOTHING_CONFIGURED.format(path=path))
        elif self.start is not None:
            self.open_source(self.sources.items[0])
        else:
            self.pane("repositories").set_status("enter on a registry lists it")
        focus = "tags" if self._want_repository else "repositories"
        self.focus_pane(focus if self.start else "registries")

    # Loading -----------------------------------------------------------------

    def open_source(self, source: Source) -> None:
        """Make ``source`` the current registry and list its repositories."""
        self.source = source
        self.repository = None
        self.navigator.opened_source(source)
        self.query_one("#repositories", RepositoryList).use_scope(source.label)
        self.query_one("#repositories", NameList).clear_options()
        # Whatever the tags of the registry left behind were loading is moot.
        self.workers.cancel_group(self, "tags")
        self._clear_tags("")
        self.pane("repositories").start_loading(f"listing {source.label}…")
        self.load_repositories(source)

    def open_repository(self, name: str, *, settle: float = 0.0) -> None:
        """Make ``name`` the current repository and list its tags.

        Reopening the current repository keeps the cursor where it was (on the
        same tag, or on the same row when that tag is gone).
        """
        if self.source is None:
            return
        if name == self.repository and self.tags.current is not None:
            self._want_tag = self._want_tag or self.tags.current.tag
            self._want_row = self.tags.cursor_row
        self.repository = name
        self.tags.open_scope(f"{self.source.label} {name}")
        self._clear_tags(f"listing tags of {name}…")
        self.pane("tags").border_title = tags_title(name, self.tags.view.sort)
        self.load_tags(self.source, name, settle)
        self.navigator.opened_repository(name, by_cursor=settle > 0)

    def _clear_tags(self, status: str) -> None:
        self.tags.show_entries([])
        self.pane("tags").border_subtitle = ""
        self.query_one("#details", ImageDetails).show_text("")
        if status:
            self.pane("tags").start_loading(status)
        else:
            self.pane("tags").finish_loading()

    @work(group="repositories", exclusive=True, exit_on_error=False)
    async def load_repositories(self, source: Source) -> None:
        """List the repositories of ``source`` (worker)."""
        named = self._want_repository is not None
        message = await loading.list_repositories(self.sources, source, named=named)
        self.post_message(message)

    @work(group="tags", exclusive=True, exit_on_error=False)
    async def load_tags(self, source: Source, repository: str, settle: float) -> None:
        """Resolve every tag of ``repository``, reporting progress (worker)."""
        self.post_message(
            await loading.list_tags(
                self.sources, source, repository, self.post_message, settle
            )
        )

    def on_repositories_loaded(self, message: RepositoriesLoaded) -> None:
        if message.source is not self.source:
            return
        if message.answered:
            loaded(self, message.source)
        for warning in message.source.warnings:
            self.notify(warning, severity="warning", markup=False)
        message.source.warnings.clear()

        names = message.names
        wanted = self._want_repository
        self._want_repository = None
        from_command_line = self.start is not None and wanted == self.start.repository
        if wanted and wanted not in names and from_command_line:
            names = [*names, wanted]
        repositories = self.query_one("#repositories", RepositoryList)
        repositories.show_names(names)
        pane = self.pane("repositories")
        pane.border_subtitle = repositories.summary
        pane.finish_loading(message.note or ("" if names else "no repositories"))
        if wanted:
            repositories.highlight_name(wanted)

    def on_tags_progressed(self, message: TagsProgressed) -> None:
        if self.shows(message.source, message.repository):
            text = f"resolving {message.done:,} of {plural(message.total, 'tag')}…"
            self.pane("tags").set_status(text)

    def on_tags_loaded(self, message: TagsLoaded) -> None:
        if not self.shows(message.source, message.repository):
            return
        loaded(self, message.source)
        verdicts = stored_verdicts(message.source, message.repository, message.entries)
        self.tags.show_entries(message.entries, verdicts)
        repositories = self.query_one("#repositories", RepositoryList)
        repositories.set_count(message.repository, len(message.entries))
        if not (self._want_tag and self.tags.select_tag(self._want_tag)):
            self.tags.move_cursor(row=self._want_row)
        self._want_tag, self._want_row = None, 0
        self.pane("tags").border_subtitle = self.tags.summary
        self.pane("tags").finish_loading("" if message.entries else "no tags")
        self.show_details()

    def on_listing_changed(self, message: ListingChanged) -> None:
        sync_filter(message.listing)
        if message.listing is self.tags and self.repository is not None:
            pane = self.pane("tags")
            pane.border_title = tags_title(self.repository, self.tags.view.sort)
            pane.border_subtitle = self.tags.summary if self.tags.view.entries else ""
        elif isinstance(message.listing, RepositoryList):
            self.pane("repositories").border_subtitle = message.listing.summary

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.repository is None and message.source is self.source:
            pane = self.pane("repositories")
        elif self.shows(message.source, message.repository):
            pane = self.pane("tags")
        else:
            return
        report_failure(self, message, pane)

    def shows(self, source: Source, repository: str | None) -> bool:
        """Whether the panes show ``repository`` of ``source`` right now."""
        return source is self.source and repository == self.repository

    def on_repository_changed(self, message: RepositoryChanged) -> None:
        # The lifecycle pane or the journal wrote to a repository: reload it
        # if it is the one on display.
        if message.concerns(self.source, self.repository):
            self.open_repository(message.repository)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Read-only mode hides the deletes from the footer and the keys.
        return not (
            self.sources.read_only and hidden_when_read_only(self.BINDINGS, action)
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Registry errors are reported by the workers themselves; anything
        # else is a bug, which is shown rather than allowed to end the app.
        if event.state == WorkerState.ERROR:
            for name in _PANES:
                self.pane(name).finish_loading()
            error = event.worker.error
            self.notify(
                f"{type(error).__name__}: {error}",
                title="Unexpected error",
                severity="error",
                markup=False,
            )

    # Moving between panes ----------------------------------------------------

    @on(OptionList.OptionHighlighted, "#repositories")
    def repository_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Filling the list and then moving to a wanted name queues two
        # highlights; only the one still under the cursor counts.
        if event.option is not event.option_list.highlighted_option:
            return
        name = event.option.id
        if name is not None and name != self.repository:
            self.open_repository(name, settle=_SETTLE_SECONDS)

    @on(OptionList.OptionSelected, "#registries")
    def registry_selected(self, event: OptionList.OptionSelected) -> None:
        source = self.sources.items[event.option_index]
        if source is not self.source:
            self._want_repository = None
            self.open_source(source)
        self.focus_pane("repositories")

    @on(OptionList.OptionSelected, "#repositories")
    def repository_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and event.option.id != self.repository:
            self.open_repository(event.option.id)
        self.focus_pane("tags")

    @on(DataTable.RowHighlighted, "#tags")
    def tag_highlighted(self) -> None:
        self.show_details()

    @on(DataTable.RowSelected, "#tags")
    def tag_selected(self) -> None:
        self.focus_pane("details")

    def show_details(self) -> None:
        """Show the image under the tags cursor in the details pane."""
        entry = self.tags.current
        self.navigator.showing(entry.tag if entry else None)
        details = self.query_one("#details", ImageDetails)
        if entry is None or self.repository is None or self.source is None:
            details.show_text("")
            return
        registry, tool = self.source.registry, self.sources.config.copy_tool
        pull = ""
        if registry is not None:
            pull = pull_command(registry, self.repository, tag=entry.tag, tool=tool)
        details.policy = self.tags.verdicts.line(entry) if self.tags.verdicts else ""
        details.show_image(self.repository, entry, self.tags.sharing(entry), pull)

    def focus_pane(self, name: str) -> None:
        """Give the keyboard to one pane."""
        self.query_one(f"#{name}", Widget).focus()

    def _focused_index(self) -> int:
        focused = self.focused
        return _PANES.index(focused.id) if focused and focused.id in _PANES else 0

    def action_descend(self) -> None:
        index = self._focused_index()
        self.focus_pane(_PANES[min(index + 1, len(_PANES) - 1)])

    def action_back(self) -> None:
        self.focus_pane(_PANES[max(self._focused_index() - 1, 0)])

    def action_cycle(self, step: int) -> None:
        self.focus_pane(_PANES[(self._focused_index() + step) % len(_PANES)])

    def action_go(self, offset: int) -> None:
        self.navigator.go(offset)

    def action_add_repository(self) -> None:
        self.manager.add_repository()

    def action_details(self, what: str) -> None:
        self.query_one("#details", ImageDetails).act(what)

    def action_refresh(self) -> None:
        if self.source is None:
            return
        # After a refresh that failed no repository is open; the one before
        # it is still the one wanted.
        self._want_repository = self.repository or self._want_repository
        if self.tags.current is not None:
            self._want_tag = self.tags.current.tag
            self._want_row = self.tags.cursor_row
        self.open_source(self.source)

    # Acting on the selected tag ------------------------------------------------

    def _selected(self) -> tuple[Source, str, TaggedImage] | None:
        entry = self.tags.current
        if entry is None or self.source is None or self.repository is None:
            self.notify("Select a tag first", severity="warning")
            return None
        return self.source, self.repository, entry

    def action_filter(self) -> None:
        if self.focused is not None:
            open_filter(self.focused)

    def action_copy(self, pinned: bool) -> None:
        if bulk.copy_marks(self, pinned=pinned):
            return
        selected = self._selected()
        if selected is not None:
            tool = self.sources.config.copy_tool
            offer_copy(self, selected, tool, pinned=pinned)

    def action_lifecycle(self) -> None:
        if self.source is None or self.repository is None:
            self.notify("Open a repository first", severity="warning")
            return
        self.app.push_screen(
            LifecycleScreen(self.sources, self.source, self.repository),
            self._lifecycle_closed,
        )

    def _lifecycle_closed(self, _: None) -> None:
        # The pane may have set, changed or dropped the repository's policy.
        if self.source is not None and self.repository is not None:
            self.tags.show_verdicts(stored_verdicts(self.source, self.repository))
            self.show_details()

    def action_delete(self, whole_image: bool) -> None:
        if bulk.delete_marks(self, whole_image=whole_image):
            return
        selected = self._selected()
        if selected is not None and not self.sources.read_only:
            deleting.delete_selected(self, *selected, whole_image=whole_image)
