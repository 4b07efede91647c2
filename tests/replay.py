"""Replaying the protocol cases of ``shared/cases/cases.jsonl`` through httpx.

Each case is a request the client is expected to send and the response a real
registry gave; follow-ups are further steps of the same scenario. A
:class:`Replay` serves those responses from an ``httpx.MockTransport`` and
records every request the client actually sent, so tests can assert on both.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CASES_FILE = Path(__file__).resolve().parents[2] / "shared" / "cases" / "cases.jsonl"


def load_cases() -> dict[str, dict[str, Any]]:
    """Every case by id; fails loudly when the shared folder is missing."""
    if not CASES_FILE.is_file():
        raise FileNotFoundError(
            f"{CASES_FILE} is missing: the protocol cases live in shared/cases "
            "beside the repository"
        )
    cases = {}
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            cases[case["id"]] = case
    return cases


def steps(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's request/response pairs: the first one and its follow-ups."""
    first = {"request": case["request"], "response": case["response"]}
    return [first, *case.get("followup", [])]


def to_response(spec: dict[str, Any]) -> httpx.Response:
    """An httpx response built from a case's response object."""
    headers = dict(spec.get("headers") or {})
    body = (spec.get("body") or "").encode()
    if any(k.lower() == "content-encoding" and v == "gzip" for k, v in headers.items()):
        # The file holds the decoded body; the wire carries it compressed.
        body = gzip.compress(body)
    headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
    return httpx.Response(spec["status"], headers=headers, content=body)


@dataclass
class Replay:
    """A mock registry answering from a list of (method, url) -> response steps."""

    routes: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    sent: list[httpx.Request] = field(default_factory=list)

    def add(self, method: str, url: str, response: dict[str, Any]) -> None:
        """Answer ``method url`` with ``response`` (first unused match wins)."""
        self.routes.append((method, url, response))

    def add_steps(self, case_steps: list[dict[str, Any]]) -> None:
        """Add every step of a case."""
        for step in case_steps:
            request = step["request"]
            self.add(request["method"], request["url"], step["response"])

    def transport(self) -> httpx.MockTransport:
        """The transport to hand to the client under test."""
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        for index, (method, url, response) in enumerate(self.routes):
            if method == request.method and httpx.URL(url) == request.url:
                del self.routes[index]
                return to_response(response)
        return httpx.Response(
            599, text=f"no replay step for {request.method} {request.url}"
        )
