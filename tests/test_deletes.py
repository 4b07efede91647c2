"""Deletes without surprises, against a real registry: blast radius, journal, undo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from clihelpers import rm, run
from conftest import SeededRegistry
from fake_servers import delaying_proxy
from registry_server import RegistryServer
from seed import push_image

from tui.registry.client import RegistryClient
from tui.registry.credentials import Credentials
from tui.registry.journal import Journal
from tui.registry.readonly import ReadOnlyError


def tags_of(host: str, repository: str) -> dict[str, str]:
    with httpx.Client(base_url=f"http://{host}") as client:
        names = client.get(f"/v2/{repository}/tags/list").json().get("tags") or []
        accept = {
            "Accept": "application/vnd.oci.image.index.v1+json, "
            "application/vnd.docker.distribution.manifest.list.v2+json, "
            "application/vnd.oci.image.manifest.v1+json, "
            "application/vnd.docker.distribution.manifest.v2+json"
        }
        return {
            tag: client.head(
                f"/v2/{repository}/manifests/{tag}", headers=accept
            ).headers["Docker-Content-Digest"]
            for tag in names
        }


def skopeo_pulls(host: str, reference: str, target: Path) -> bool:
    completed = subprocess.run(
        ["skopeo", "copy", "--all", "--src-tls-verify=false",
         f"docker://{host}/{reference}", f"oci:{target}:x"],
        capture_output=True, check=False,
    )  # fmt: skip
    return completed.returncode == 0


def test_child_of_a_tagged_index_is_refused_and_the_index_still_pulls(
    seeded_fresh_registry: SeededRegistry,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    host = seeded_fresh_registry.host
    index = seeded_fresh_registry.seed.tag("small/multi", "latest")
    child = index.platforms[0].digest
    code, out, err = run(["rm", f"{host}/small/multi@{child}", "--yes"], capsys)
    assert code == 1
    assert "tagged index" in err and "latest" in err and "--force" in err
    assert f"Referenced by the index {index.digest[:19]} (latest, v1)." in out
    assert skopeo_pulls(host, "small/multi:latest", tmp_path / "pulled")


def test_deleting_an_index_lists_its_children_and_undo_restores_it(
    seeded_fresh_registry: SeededRegistry,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    host = seeded_fresh_registry.host
    index = seeded_fresh_registry.seed.tag("small/multi", "latest")
    out = rm(f"{host}/small/multi@{index.digest}", capsys)
    assert "It is an index of 4 manifests" in out
    assert tags_of(host, "small/multi") == {}
    entry = Journal().find(None)
    assert {c.digest for c in entry.children} >= {p.digest for p in index.platforms}

    code, out, err = run(["undo", "--last"], capsys)
    assert code == 0, err
    assert tags_of(host, "small/multi") == {"latest": index.digest, "v1": index.digest}
    assert skopeo_pulls(host, "small/multi:v1", tmp_path / "pulled")


def test_a_signed_image_offers_its_signature(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = seeded_fresh_registry.host
    image = seeded_fresh_registry.seed.tag("small/app", "1.0").digest
    signature_tag = image.replace(":", "-") + ".sig"
    signature = push_image(
        seeded_fresh_registry.url, "small/app", signature_tag, {}, [b"signed payload"]
    )
    code, out, _ = run(["rm", f"{host}/small/app@{image}"], capsys)
    assert code == 1  # no terminal to confirm on: nothing deleted
    assert f"Its signature {signature[:19]} ({signature_tag})" in out
    assert "--with-referrers" in out

    rm(f"{host}/small/app@{image}", capsys, "--with-referrers")
    remaining = tags_of(host, "small/app")
    assert "1.0" not in remaining and signature_tag not in remaining
    assert set(remaining) == {"2.0", "latest"}
    actions = [(e.action, e.digest) for e in Journal().entries()]
    assert actions == [("image", signature), ("image", image)]


def test_undo_restores_the_same_digest_under_the_same_tags(
    seeded_fresh_registry: SeededRegistry,
    capsys: pytest.CaptureFixture[str],
    private_state: Path,
) -> None:
    host = seeded_fresh_registry.host
    before = tags_of(host, "small/app")
    digest = before["latest"]
    rm(f"{host}/small/app@{digest}", capsys)
    assert tags_of(host, "small/app") == {"1.0": before["1.0"]}

    journal = private_state / "state" / "tagyard" / "journal.jsonl"
    assert journal.stat().st_mode & 0o777 == 0o600
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [r["type"] for r in records] == ["delete", "result"]
    assert records[0]["tags"] == ["2.0", "latest"] and records[0]["digest"] == digest
    assert (
        seeded_fresh_registry.seed.manifests[digest].decode() == records[0]["manifest"]
    )

    code, out, err = run(["undo", records[0]["id"][:12]], capsys)
    assert code == 0, err
    assert tags_of(host, "small/app") == before
    code, out, _ = run(["undo", "--list"], capsys)
    assert "undone" in out
    code, _, err = run(["undo", records[0]["id"]], capsys)
    assert code == 1 and "already undone" in err
    code, _, err = run(["undo", "--last"], capsys)
    assert code == 1 and "every delete in the journal is undone" in err


def test_undo_after_garbage_collection_names_the_missing_blobs(
    seeded_fresh_registry: SeededRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    host = seeded_fresh_registry.host
    digest = seeded_fresh_registry.seed.tag("small/app", "1.0").digest
    manifest = json.loads(seeded_fresh_registry.seed.manifests[digest])
    config = manifest["config"]["digest"]
    rm(f"{host}/small/app@{digest}", capsys)
    seeded_fresh_registry.server.garbage_collect()

    code, _, err = run(["undo", "--last"], capsys)
    assert code == 1
    assert "no longer has" in err and config in err and "Traceback" not in err
    assert "1.0" not in tags_of(host, "small/app")


def test_sigkill_during_a_bulk_delete_leaves_an_exact_journal(
    fresh_registry: RegistryServer, private_state: Path
) -> None:
    digests = [
        push_image(
            fresh_registry.url,
            "bulk/x",
            f"t{n:02d}",
            {"created": f"2024-01-{n + 1:02d}T00:00:00Z", "os": "linux"},
            [f"layer {n}".encode()],
        )
        for n in range(20)
    ]
    with delaying_proxy(fresh_registry.url, delay=0.25) as proxy:
        env = {**os.environ, "XDG_STATE_HOME": str(private_state / "state")}
        references = [f"{proxy}/bulk/x@{digest}" for digest in digests]
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "rm", "--yes", *references],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        journal = private_state / "state" / "tagyard" / "journal.jsonl"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            lines = journal.read_text().count("\n") if journal.exists() else 0
            if lines >= 8:
                break
            time.sleep(0.05)
        time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait()

    remaining = set(tags_of(fresh_registry.host, "bulk/x").values())
    gone = set(digests) - remaining
    entries = Journal(journal).entries()
    journaled = [entry.digest for entry in entries]
    assert 0 < len(gone) < len(digests)
    # Every request that was sent is in the journal...
    assert gone <= set(journaled)
    # ...and every journaled delete was sent, except the one that may have
    # been in flight when the process died (recorded, no answer yet).
    unsent = [e for e in entries if e.digest in remaining]
    assert all(e.state == "in flight" for e in unsent) and len(unsent) <= 1
    assert all(e.state == "done" for e in entries if e.digest in gone) or (
        entries[-1].digest in gone and entries[-1].state == "in flight"
    )


async def test_read_only_sends_no_mutating_request() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if request.method in {"PUT", "POST", "PATCH", "DELETE"}:
            raise AssertionError(f"{request.method} reached the network")
        if "/blobs/" in request.url.path:
            return httpx.Response(404)
        if request.url.path == "/v2/_catalog":
            challenge = 'Bearer realm="https://registry.example.com/token",service="r"'
            return httpx.Response(401, headers={"WWW-Authenticate": challenge})
        digest = "sha256:" + "1" * 64
        return httpx.Response(200, headers={"Docker-Content-Digest": digest})

    client = RegistryClient(
        "registry.example.com",
        transport=httpx.MockTransport(handler),
        read_only=True,
        credentials=Credentials(identity_token="refresh"),
    )
    digest = "sha256:" + "1" * 64
    attempts = [
        client.delete_tag("team/app", "1.0"),
        client.delete_manifest("team/app", digest),
        client.put_manifest("team/app", "1.0", "application/json", b"{}"),
        client.upload_blob("team/app", b"data"),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyError):
            await attempt
    # An identity token is exchanged with a POST, which read-only refuses too.
    with pytest.raises(ReadOnlyError):
        await client.repositories()
    assert not {"PUT", "POST", "PATCH", "DELETE"} & set(seen)
    assert await client.resolve("team/app", "1.0") == digest
