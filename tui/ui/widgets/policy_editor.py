"""The lifecycle-policy editor: a JSON text area that says when typing pauses.

Parsing and evaluating a policy on every key press would redraw the preview
for half-typed JSON dozens of times a second. The editor waits until no key
has changed the text for :data:`SETTLE_SECONDS` and then posts one
:class:`PolicyEditor.Settled`.

Escape does not move the keyboard on by itself: the editor posts
:class:`PolicyEditor.Escaped` and the screen decides where to go (to the
images table, or, on a second escape in a row, out of the pane).

JSON is highlighted only when Textual's syntax extra (tree-sitter and its JSON
grammar, ``pip install 'textual[syntax]'``) is installed; without it the
editor shows plain text, which is all that validation needs.
"""

from __future__ import annotations

import json
from importlib.util import find_spec

from textual import events
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

__all__ = ["EXAMPLE_POLICY", "SETTLE_SECONDS", "PolicyEditor"]

SETTLE_SECONDS = 0.3

EXAMPLE_POLICY = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "description": "expire untagged images after one day",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 1,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": "keep the 10 newest tagged images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPatternList": ["*"],
                    "countType": "imageCountMoreThan",
                    "countNumber": 10,
                },
                "action": {"type": "expire"},
            },
        ]
    },
    indent=2,
)
"""What the editor starts with: a policy most repositories can live with."""

_HIGHLIGHTING = find_spec("tree_sitter") is not None and (
    find_spec("tree_sitter_json") is not None
)


class PolicyEditor(TextArea):
    """A code editor for one lifecycle-policy text."""

    class Settled(Message):
        """The text has not changed for :data:`SETTLE_SECONDS`."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Escaped(Message):
        """Escape was pressed in the editor."""

    def __init__(self, text: str = EXAMPLE_POLICY, *, id: str | None = None) -> None:
        # Tab indents, as in any code editor; escape leaves the editor.
        super().__init__(
            text,
            language="json" if _HIGHLIGHTING else None,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self._timer: Timer | None = None

    async def _on_key(self, event: events.Key) -> None:
        # Runs before TextArea's own handler, which would otherwise take
        # escape to move the focus itself.
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.post_message(self.Escaped())

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SETTLE_SECONDS, self._settle)

    def _settle(self) -> None:
        self._timer = None
        self.post_message(self.Settled(self.text))
