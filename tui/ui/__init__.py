"""The terminal UI: a Textual app over the registry core.

Nothing in this package talks HTTP or reads files itself: it calls the
:class:`~tui.registry.backend.Registry` and
:class:`~tui.registry.images.Inspector` objects it is handed, always from
Textual workers, and shows what they return or the
:class:`~tui.registry.errors.RegistryError` they raise.
"""
