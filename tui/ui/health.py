"""How the browser reports a failed load, once, and notices a recovery.

A registry that is down fails every load: each repository the cursor passes
would add a notification, and the error would be repeated under the
registries, under the repositories and in a toast. Instead the pane that
failed shows the whole error (the message, then the URL and the hint on lines
of their own, so that wrapping does not split the URL in the middle of a
sentence), the registries list turns the registry's dot red or yellow, and a
notification is shown the first time only: the same failure is not notified
again until a load of that registry succeeds (a refresh with ``r`` that fails
the same way shows its error in the pane again, without a new notification).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..registry.errors import RegistryError
from .widgets.pane import Pane
from .widgets.registries import REACHABLE, RegistryList, state_for

if TYPE_CHECKING:
    from .screens.browser import BrowserScreen
    from .screens.loading import LoadFailed
    from .screens.sources import Source

__all__ = ["failure_key", "failure_text", "loaded", "report_failure"]


def failure_text(error: RegistryError) -> str:
    """The error for a status line: message, URL and hint, each on its own line."""
    details = [f"HTTP {error.status}"] if error.status is not None else []
    if error.code:
        details.append(error.code)
    first = error.message + (f" ({', '.join(details)})" if details else "")
    lines = [f"error: {first}"]
    if error.url:
        lines.append(error.url)
    if error.hint:
        lines.append(f"{error.hint}.")
    return "\n".join(lines)


def failure_key(error: RegistryError) -> str:
    """What makes two failures the same one, whichever URL they were for."""
    return f"{type(error).__name__}: {error.message}"


def report_failure(screen: BrowserScreen, message: LoadFailed, pane: Pane) -> None:
    """Show a failed load in ``pane``; notify it unless it was just notified."""
    source, problem = message.source, message.problem
    pane.finish_loading(
        failure_text(problem) if problem else f"error: {message.error}", error=True
    )
    key = failure_key(problem) if problem else message.error
    repeated = source.reported == key
    source.reported = key
    state = state_for(problem) if problem else None
    registries = screen.query_one("#registries", RegistryList)
    if state is not None:
        registries.set_state(source.label, state)
    else:
        registries.describe()
    if not repeated:
        text = failure_text(problem).removeprefix("error: ") if problem else ""
        screen.notify(
            text or message.error,
            title="Registry error",
            severity="error",
            markup=False,
        )


def loaded(screen: BrowserScreen, source: Source) -> None:
    """A load of ``source`` succeeded: it answers, and a new failure is news."""
    source.reported = None
    registries = screen.query_one("#registries", RegistryList)
    if registries.states.get(source.label) != REACHABLE:
        registries.set_state(source.label, REACHABLE)
