"""``python -m tui`` runs the ``tagyard`` command."""

from .cli.main import main

main()
