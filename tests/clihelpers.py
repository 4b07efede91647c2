"""Helpers for the tests of the headless commands: run one, read what it printed."""

from __future__ import annotations

import pytest

from tui.cli.main import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``tagyard ARGS`` in this process; return its exit code, stdout, stderr."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rm(reference: str, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    """Run ``tagyard rm REFERENCE --yes [OPTIONS]``; it must succeed. Returns stdout."""
    code, out, err = run(["rm", reference, "--yes", *options], capsys)
    assert code == 0, err
    return out
