"""The panel beside the policy editor that says what is wrong with the policy.

Each problem is one row: the rule and field it is about, what to change, and
the text Amazon ECR itself answers with for that mistake (when it is known),
so that the message someone saw in the AWS console can be found here too.
Warnings (what ECR accepts but probably was not meant) follow the problems.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...policy import PolicyError, PolicyProblem

__all__ = ["ProblemPanel", "problem_table"]


def problem_table(problems: Sequence[PolicyProblem], style: str) -> Table:
    """``problems`` as rows of rule and field, message, and ECR's own words."""
    table = Table(expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("where", style=style, ratio=2)
    table.add_column("problem", ratio=4)
    table.add_column("ECR says", style="dim", ratio=3)
    for problem in problems:
        table.add_row(problem.where, problem.message, problem.ecr_detail or "")
    return table


class ProblemPanel(Static):
    """Problems and warnings of the policy being edited (empty when it is fine)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.problems: tuple[PolicyProblem, ...] = ()
        self.warnings: tuple[PolicyProblem, ...] = ()

    def show_error(self, error: PolicyError) -> None:
        """List every problem of a refused policy, then its warnings."""
        self._show(error.problems, error.warnings)

    def show_warnings(self, warnings: Sequence[PolicyProblem]) -> None:
        """A valid policy: only its warnings, or a line saying it is valid."""
        self._show((), tuple(warnings))

    def _show(
        self, problems: tuple[PolicyProblem, ...], warnings: tuple[PolicyProblem, ...]
    ) -> None:
        self.problems, self.warnings = problems, warnings
        parts: list[RenderableType] = []
        if problems:
            count = len(problems)
            heading = f"{count} problem{'s' if count != 1 else ''}: ECR would refuse it"
            parts += [Text(heading, style="bold red"), problem_table(problems, "red")]
        else:
            parts.append(Text("valid: ECR would accept this policy", style="green"))
        if warnings:
            parts += [Text(""), Text("warnings", style="bold yellow")]
            parts.append(problem_table(warnings, "yellow"))
        self.update(Group(*parts))
