"""The headless commands against a real CNCF Distribution registry."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from clihelpers import rm, run
from conftest import SeededRegistry
from fake_servers import serve
from registry_server import RegistryServer
from seed import EMPTIED

from tui.registry.client import RegistryClient


def tag_rows(reference: str, capsys: pytest.CaptureFixture[str]) -> list[Any]:
    """The rows ``tagyard tags REFERENCE --json`` prints; it must succeed."""
    code, out, err = run(["tags", reference, "--json"], capsys)
    assert code == 0, err
    rows: list[Any] = json.loads(out)
    return rows


def test_repos_lists_every_repository(
    registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["repos", registry.host, "--json"], capsys)
    assert code == 0, err
    expected = set(registry.seed.repositories) | {EMPTIED}
    assert set(json.loads(out)) == expected
    assert len(expected) > 100


async def test_catalog_and_tags_follow_every_page(registry: SeededRegistry) -> None:
    client = RegistryClient(registry.host, page_size=25)
    try:
        names = await client.repositories()
        tags = await client.tags("team/many")
    finally:
        await client.aclose()
    assert sorted(names) == sorted(set(registry.seed.repositories) | {EMPTIED})
    assert len(names) == len(set(names))
    assert sorted(tags) == sorted(registry.seed.repositories["team/many"])
    assert len(tags) == 130


@pytest.mark.parametrize(
    "repository",
    [
        "library/alpine",
        "library/busybox",
        "acme/webapp",
        "acme/multi",
        "team/backend/api",
    ],
)
def test_tags_json_matches_what_the_registry_stores(
    registry: SeededRegistry, repository: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = {
        row["tag"]: row for row in tag_rows(f"{registry.host}/{repository}", capsys)
    }
    expected = registry.seed.repositories[repository]
    assert set(rows) == set(expected)
    for tag, seeded in expected.items():
        row = rows[tag]
        assert row["digest"] == seeded.digest, tag
        assert row["media_type"] == seeded.media_type, tag
        assert row["size"] == seeded.size, tag
        assert row["created"] == seeded.created, tag
        assert row["platforms"] == [
            {
                "os": p.os,
                "architecture": p.architecture,
                "variant": p.variant,
                "digest": p.digest,
                "size": p.size,
            }
            for p in seeded.platforms
        ], tag


@pytest.mark.parametrize(
    "reference", ["acme/multi:latest", "library/busybox:1.36", "acme/webapp:stable"]
)
def test_digests_agree_with_skopeo(
    registry: SeededRegistry, reference: str, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = subprocess.run(
        ["skopeo", "inspect", "--raw", "--tls-verify=false",
         f"docker://{registry.host}/{reference}"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    digest = subprocess.run(
        ["skopeo", "manifest-digest", "/dev/stdin"],
        input=raw, capture_output=True, check=True,
    ).stdout.decode().strip()  # fmt: skip
    code, out, err = run(["inspect", f"{registry.host}/{reference}", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["digest"] == digest


def test_inspect_shows_platforms_layers_and_config(
    registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["inspect", f"{registry.host}/acme/multi:latest"], capsys)
    assert code == 0
    assert "linux/amd64" in out and "linux/arm64/v8" in out
    assert "unknown/unknown" not in out
    assert "Layer" in out and "Tags:           2.0, latest" in out


def test_empty_repository_from_the_catalog_has_no_tags(
    registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["tags", f"{registry.host}/{EMPTIED}", "--json"], capsys)
    assert (code, json.loads(out) if code == 0 else None) == (0, []), err


def test_rm_tag_leaves_the_sibling_on_the_same_digest(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = seeded_fresh_registry.host
    shared = seeded_fresh_registry.seed.tag("small/app", "latest").digest
    out = rm(f"{host}/small/app:latest", capsys)
    assert "These tags on the same image stay: 2.0." in out
    assert "placeholder manifest" in out
    rows = {row["tag"]: row["digest"] for row in tag_rows(f"{host}/small/app", capsys)}
    assert rows == {
        "1.0": seeded_fresh_registry.seed.tag("small/app", "1.0").digest,
        "2.0": shared,
    }


def test_rm_digest_removes_every_tag_on_it_and_says_so(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = seeded_fresh_registry.host
    digest = seeded_fresh_registry.seed.tag("small/app", "latest").digest
    out = rm(f"{host}/small/app@{digest}", capsys)
    assert "It takes these tags with it: 2.0, latest." in out
    assert "garbage-collect" in out
    assert [row["tag"] for row in tag_rows(f"{host}/small/app", capsys)] == ["1.0"]


def test_rm_without_terminal_or_yes_deletes_nothing(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = seeded_fresh_registry.host
    code, out, err = run(["rm", f"{host}/small/app:1.0"], capsys)
    assert code == 1 and "Nothing deleted." in out and "--yes" in err


def test_delete_disabled_is_refused_and_the_tag_is_untouched(
    registry_no_delete: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = registry_no_delete.host
    before = registry_no_delete.seed.tag("small/app", "latest").digest
    code, _, err = run(["rm", f"{host}/small/app:latest", "--yes"], capsys)
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "storage.delete.enabled" in err and "405" in err
    code, out, _ = run(["inspect", f"{host}/small/app:latest", "--json"], capsys)
    assert json.loads(out)["digest"] == before


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["tags", "127.0.0.1:1/team/app"], 1, "could not be reached"),
        (["tags", "127.0.0.1:5000/Team/App"], 2, "lower case"),
        (["inspect", "127.0.0.1:5000/app:-bad"], 2, "invalid tag"),
        (["rm", "127.0.0.1:5000/app"], 2, "names no tag or digest"),
        (["tags", "127.0.0.1:5000"], 2, "names a registry, not a repository"),
        (["bogus-option-only", "--nope"], 2, "unrecognized arguments"),
    ],
)
def test_bad_input_gives_one_clear_line_and_an_exit_code(
    args: list[str], code: int, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result, _, err = run(args, capsys)
    assert result == code
    assert words in err and "Traceback" not in err


@pytest.fixture
def proxy_502() -> Iterator[str]:
    html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    with serve(502, {"Content-Type": "text/html"}, html) as host:
        yield host


@pytest.fixture
def needs_login() -> Iterator[str]:
    body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
    headers = {
        "Content-Type": "application/json",
        "WWW-Authenticate": 'Basic realm="r"',
    }
    with serve(401, headers, body) as host:
        yield host


def test_html_error_page_from_a_proxy(
    proxy_502: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["repos", proxy_502], capsys)
    assert code == 1
    assert "502 Bad Gateway" in err and "<" not in err and "Traceback" not in err


def test_401_says_how_to_log_in(
    needs_login: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["repos", needs_login], capsys)
    assert code == 1
    assert "HTTP 401" in err and "docker login" in err


def test_read_only_refuses_rm(
    fresh_registry: RegistryServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["rm", f"{fresh_registry.host}/a:b", "--yes", "--read-only"], capsys
    )
    assert code == 1 and "read-only" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_go_before_or_after_the_command(
    seeded_fresh_registry: SeededRegistry,
    where: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reference = f"{seeded_fresh_registry.host}/small/app:1.0"
    args = ["rm", reference, "--yes"]
    args = ["--read-only", *args] if where == "before" else [*args, "--read-only"]
    code, _, err = run(args, capsys)
    assert code == 1 and "read-only" in err
    assert [row["tag"] for row in tag_rows(reference[:-4], capsys)] == [
        "1.0",
        "2.0",
        "latest",
    ]


def test_a_missing_tag_is_named_as_such(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = seeded_fresh_registry.host
    code, _, err = run(["rm", f"{host}/small/app:lates", "--yes"], capsys)
    assert code == 1 and "small/app:lates: not found" in err
    assert "Check the tag or digest" in err and "endpoint" not in err


def test_pasted_urls_and_transports_are_understood(
    registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    for prefix in ("http://", "docker://"):
        rows = tag_rows(f"{prefix}{registry.host}/library/busybox", capsys)
        assert {row["tag"] for row in rows} == {"1.36", "latest"}


def test_a_reader_that_goes_away_is_no_error(registry: SeededRegistry) -> None:
    pipeline = subprocess.run(
        f"{sys.executable} -m tui tags {registry.host}/team/many --json | head -c 10",
        shell=True,
        capture_output=True,
        check=False,
    )
    assert pipeline.stdout == b'[\n  {\n    "'[:10]
    assert b"Traceback" not in pipeline.stderr and pipeline.stderr == b""


def test_removing_the_last_tag_says_the_image_stays(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    out = rm(f"{seeded_fresh_registry.host}/small/app:1.0", capsys)
    assert "It is the image's last tag" in out
    assert "Removed the tag small/app:1.0 (placeholder manifest" in out
