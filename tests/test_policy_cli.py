"""``tagyard policy`` against a real registry and an ECR describe-images export."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from clihelpers import run
from policy_data import AT, POLICY, policy_copy, push_images
from registry_server import RegistryServer

from tui.registry.journal import Journal


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY))
    return path


@pytest.fixture
def app_repo(fresh_registry: RegistryServer) -> dict[tuple[str, ...], str]:
    """``team/app`` on a fresh registry; returns the digest of each tag group."""
    return push_images(fresh_registry.url)


def test_validate_names_the_rule_the_field_and_ecr_words(
    tmp_path: Path, policy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["policy", "validate", str(policy_file)], capsys)
    assert code == 0 and "valid, 2 rule(s)" in out
    broken = policy_copy()
    broken["rules"][1]["selection"]["countNumber"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    code, _, err = run(["policy", "validate", str(bad)], capsys)
    assert code == 1
    assert "rulePriority 2" in err and "selection.countNumber" in err
    assert "numeric instance is lower than the required minimum" in err


def test_preview_against_a_live_repository(
    fresh_registry: RegistryServer,
    app_repo: dict[tuple[str, ...], str],
    policy_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["policy", "preview", f"{fresh_registry.host}/team/app"]
    code, out, err = run(
        [*args, "--policy", str(policy_file), "--at", AT, "--json"], capsys
    )
    assert code == 0, err
    preview = json.loads(out)
    acted = {
        r["imageDigest"]: r["appliedRulePriority"] for r in preview["previewResults"]
    }
    assert acted == {
        app_repo[("release-1",)]: 1,
        app_repo[("release-2",)]: 1,
        app_repo[("pr-7",)]: 2,
    }
    assert preview["summary"] == {"expiringImageTotalCount": 3}
    assert all(r["action"] == {"type": "EXPIRE"} for r in preview["previewResults"])
    kept = {k["imageDigest"]: k["reason"]["kind"] for k in preview["keptImages"]}
    assert kept[app_repo[("release-4",)]] == "within-newest"
    assert kept[app_repo[("pr-8",)]] == "not-old-enough"
    assert kept[app_repo[("main",)]] == "not-selected"
    assert set(preview["timeSources"].values()) == {"created"}
    assert any("untagged" in note for note in preview["notes"])
    assert preview["bytesFreed"] > 0

    code, out, _ = run([*args, "--policy", str(policy_file), "--at", AT], capsys)
    assert code == 0 and "3 of 7 image(s) expire" in out
    assert "note:" in out and "untagged" in out


def test_apply_leaves_exactly_the_kept_images_and_journals_each_delete(
    fresh_registry: RegistryServer,
    app_repo: dict[tuple[str, ...], str],
    policy_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = f"{fresh_registry.host}/team/app"
    code, _, err = run(
        ["policy", "apply", target, "--policy", str(policy_file), "--at", AT, "--yes"],
        capsys,
    )
    assert code == 0, err
    expired = {app_repo[("release-1",)], app_repo[("release-2",)], app_repo[("pr-7",)]}
    with httpx.Client(base_url=fresh_registry.url) as client:
        tags = client.get("/v2/team/app/tags/list").json()["tags"]
        accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
        remaining = {
            tag: client.head(f"/v2/team/app/manifests/{tag}", headers=accept).headers[
                "Docker-Content-Digest"
            ]
            for tag in tags
        }
    expected = {
        tag: digest
        for group, digest in app_repo.items()
        if digest not in expired
        for tag in group
    }
    assert remaining == expected
    entries = Journal().entries()
    assert sorted(e.digest for e in entries) == sorted(expired)
    assert all(e.state == "done" and e.action == "image" for e in entries)


def test_apply_with_nothing_to_expire(
    fresh_registry: RegistryServer,
    app_repo: dict[tuple[str, ...], str],
    policy_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    generous = json.loads(policy_file.read_text())
    generous["rules"] = generous["rules"][:1]
    generous["rules"][0]["selection"]["countNumber"] = 50
    policy_file.write_text(json.dumps(generous))
    target = f"{fresh_registry.host}/team/app"
    args = ["policy", "apply", target, "--policy", str(policy_file)]
    code, out, _ = run([*args, "--at", AT, "--yes"], capsys)
    assert code == 0 and "Nothing to expire." in out
    assert Journal().entries() == []


def test_preview_of_an_ecr_export_gives_ecr_fields_back(
    tmp_path: Path, policy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def detail(n: int, tags: list[str], pushed: str) -> dict[str, object]:
        return {
            "registryId": "123456789012",
            "repositoryName": "team/app",
            "imageDigest": f"sha256:{n:064x}",
            "imageTags": tags,
            "imageSizeInBytes": 1000 * n,
            "imagePushedAt": pushed,
            "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json",
        }

    first = {
        "imageDetails": [
            detail(1, ["release-1"], "2024-01-01T10:00:00+00:00"),
            detail(2, ["release-2"], "2024-02-01T10:00:00+00:00"),
        ],
        "nextToken": "abc",
    }
    # aws-cli v1 writes epoch seconds; pages may be concatenated.
    second = {"imageDetails": [detail(3, ["release-3"], 1709287200.0)]}
    export = tmp_path / "images.json"
    export.write_text(json.dumps(first, indent=2) + "\n" + json.dumps(second))
    code, out, err = run(
        ["policy", "preview", "--images", str(export), "--policy", str(policy_file),
         "--at", AT, "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    preview = json.loads(out)
    assert preview["previewResults"] == [
        {
            "imageDigest": f"sha256:{1:064x}",
            "imageTags": ["release-1"],
            "imagePushedAt": "2024-01-01T10:00:00Z",
            "action": {"type": "EXPIRE"},
            "appliedRulePriority": 1,
        }
    ]
    assert preview["summary"] == {"expiringImageTotalCount": 1}
    assert set(preview["timeSources"].values()) == {"push"}
    assert preview["repositoryName"] == "team/app"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--at", "next tuesday"], "is not a time"),
        (["--images", "/nonexistent/images.json"], "cannot read"),
    ],
)
def test_bad_policy_input(
    policy_file: Path, extra: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["policy", "preview", "--policy", str(policy_file), *extra]
    if "--images" not in extra:
        args += ["--images", str(policy_file)]
    code, _, err = run(args, capsys)
    assert code in (1, 2) and words in err and "Traceback" not in err
