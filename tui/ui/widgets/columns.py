"""Column widths for a table whose last column holds a sentence.

A ``DataTable`` sizes every column to its widest cell and scrolls sideways
when the sum is wider than the table. For a table that ends in a long
explanation that means the explanation is what gets cut, behind a scrollbar.
Here the other columns keep their natural widths and the last one gets what
is left of the table's width; its cells end with an ellipsis when they do
not fit (the full text is shown elsewhere, under the table).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

__all__ = ["MIN_LAST", "widths_filling"]

MIN_LAST = 12
"""The last column is never narrower than this, even on a small terminal."""


def widths_filling(
    labels: Sequence[str], rows: Sequence[Sequence[Text]], room: int, padding: int
) -> list[int]:
    """The width of each column, the last one taking the rest of ``room``.

    ``room`` is the table's inner width (0 before the first layout, which
    leaves the last column as wide as its content); ``padding`` is the
    table's padding on each side of a cell.
    """
    widths = [len(label) for label in labels]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], cell.cell_len)
    if room <= 0:
        return widths
    used = sum(width + 2 * padding for width in widths[:-1]) + 2 * padding
    widths[-1] = max(room - used, MIN_LAST, len(labels[-1]))
    return widths
