"""The policy engine stays pure: no UI toolkit and no HTTP client behind it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = (
    "import sys, tui.policy; "
    "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'httpx'}); "
    "assert not loaded, loaded"
)


def test_policy_imports_neither_textual_nor_httpx() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
