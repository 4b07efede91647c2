"""The registry fixtures and the seed, checked against the registry itself.

Nothing here uses tagyard: digests are cross-checked with ``skopeo`` and the
registry's answers are read with plain ``httpx``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from conftest import SeededRegistry
from registry_server import RegistryServer, RegistryUnavailableError
from seed import EMPTIED, EPOCH, SMALL_PLAN, Seed, SeedTag, push_image, seed_registry

pytestmark = pytest.mark.registry

ACCEPT = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


def skopeo_raw(host: str, reference: str) -> bytes:
    """The manifest bytes skopeo fetches for ``reference`` on ``host``."""
    skopeo = shutil.which("skopeo")
    if skopeo is None:
        pytest.fail("skopeo is needed: sudo apt-get install skopeo", pytrace=False)
    command = [skopeo, "inspect", "--raw", "--tls-verify=false"]
    result = subprocess.run(
        [*command, f"docker://{host}/{reference}"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def get_manifest(url: str, repository: str, reference: str) -> httpx.Response:
    """GET a manifest, accepting every kind so that nothing is converted."""
    response = httpx.get(
        f"{url}/v2/{repository}/manifests/{reference}", headers={"Accept": ACCEPT}
    )
    assert response.status_code == 200, response.text
    return response


def follow_links(url: str, path: str, key: str) -> tuple[list[str], int]:
    """Every entry of a paged list, following ``Link`` headers; and the pages."""
    entries: list[str] = []
    pages = 0
    next_url: str | None = url + path
    with httpx.Client() as client:
        while next_url:
            response = client.get(next_url)
            assert response.status_code == 200, response.text
            entries += response.json()[key] or []
            pages += 1
            link = response.links.get("next")
            next_url = str(httpx.URL(url).join(link["url"])) if link else None
    return entries, pages


@pytest.mark.parametrize(
    ("repository", "tag"),
    [
        ("library/alpine", "latest"),
        ("library/alpine", "3.10"),
        ("library/busybox", "1.36"),
        ("acme/webapp", "stable"),
        ("acme/multi", "latest"),
        ("team/backend/api", "pr-42"),
        ("bulk/repo-119", "latest"),
    ],
)
def test_skopeo_sees_the_recorded_digest(
    registry: SeededRegistry, repository: str, tag: str
) -> None:
    expected = registry.seed.tag(repository, tag)
    raw = skopeo_raw(registry.host, f"{repository}:{tag}")
    assert "sha256:" + hashlib.sha256(raw).hexdigest() == expected.digest
    assert raw == registry.seed.manifests[expected.digest]
    assert json.loads(raw)["mediaType"] == expected.media_type


def test_catalog_pages_past_the_default_page_size(registry: SeededRegistry) -> None:
    first = httpx.get(f"{registry.url}/v2/_catalog")
    # Distribution's default page is 100 entries, with a Link to the rest.
    assert len(first.json()["repositories"]) == 100
    assert "next" in first.links
    names, pages = follow_links(registry.url, "/v2/_catalog", "repositories")
    assert pages == 2
    assert names == sorted(registry.seed.repositories)
    assert len(names) > 100
    small_pages, count = follow_links(registry.url, "/v2/_catalog?n=7", "repositories")
    assert small_pages == names
    assert count == -(-len(names) // 7)


def test_many_tags_are_all_listed(registry: SeededRegistry) -> None:
    tags, _ = follow_links(registry.url, "/v2/team/many/tags/list", "tags")
    assert len(tags) == 130
    assert sorted(tags) == sorted(registry.seed.repositories["team/many"])


def _shared(seed: Seed, repository: str) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for tag in seed.repositories[repository].values():
        groups.setdefault(tag.digest, []).append(tag.tag)
    return sorted(sorted(tags) for tags in groups.values() if len(tags) > 1)


@pytest.mark.parametrize(
    ("repository", "shared"),
    [
        ("library/alpine", [["3.19", "latest"]]),
        ("acme/webapp", [["stable", "v1.1.0"]]),
        ("acme/multi", [["2.0", "latest"]]),
        ("library/busybox", [["1.36", "latest"]]),
    ],
)
def test_tags_share_a_digest(
    registry: SeededRegistry, repository: str, shared: list[list[str]]
) -> None:
    assert _shared(registry.seed, repository) == shared
    for tags in shared:
        digests = {
            get_manifest(registry.url, repository, tag).headers["Docker-Content-Digest"]
            for tag in tags
        }
        assert digests == {registry.seed.tag(repository, tags[0]).digest}


def test_emptied_repository_is_catalogued_without_tags(
    registry: SeededRegistry,
) -> None:
    names, _ = follow_links(registry.url, "/v2/_catalog?n=1000", "repositories")
    assert EMPTIED in names
    assert registry.seed.emptied_repository == EMPTIED
    assert registry.seed.repositories[EMPTIED] == {}
    response = httpx.get(f"{registry.url}/v2/{EMPTIED}/tags/list")
    assert response.status_code == 200
    # Distribution 2.8 answers "tags": null here rather than an empty list.
    assert response.json()["tags"] is None
    assert registry.seed.emptied_tags_value is None


def _blob_json(url: str, repository: str, digest: str) -> Any:
    response = httpx.get(f"{url}/v2/{repository}/blobs/{digest}")
    assert response.status_code == 200
    return response.json()


def _expected_from_registry(url: str, tag: SeedTag) -> tuple[int, str, list[Any]]:
    """Size, created and platforms worked out from what the registry serves."""
    top = json.loads(get_manifest(url, tag.repository, tag.digest).content)
    children = top.get("manifests", [])
    images = [(d["digest"], d.get("platform")) for d in children] or [
        (tag.digest, None)
    ]
    sizes: dict[str, int] = {}
    created: list[str] = []
    platforms: list[Any] = []
    for digest, platform in images:
        manifest = json.loads(get_manifest(url, tag.repository, digest).content)
        blobs = [manifest["config"], *manifest["layers"]]
        sizes |= {b["digest"]: b["size"] for b in blobs}
        config = _blob_json(url, tag.repository, manifest["config"]["digest"])
        if config["os"] == "unknown":
            continue
        created.append(config["created"])
        platform = platform or config
        own_size = sum({b["digest"]: b["size"] for b in blobs}.values())
        key = (platform["os"], platform["architecture"], platform.get("variant"))
        platforms.append((*key, digest, own_size))
    return sum(sizes.values()), max(created), platforms


@pytest.mark.parametrize(
    ("repository", "tag"),
    [
        ("library/alpine", "3.19"),
        ("acme/webapp", "reproducible"),
        ("acme/multi", "1.0"),
        ("acme/multi", "latest"),
        ("library/busybox", "latest"),
    ],
)
def test_description_matches_the_registry(
    registry: SeededRegistry, repository: str, tag: str
) -> None:
    expected = registry.seed.tag(repository, tag)
    size, created, platforms = _expected_from_registry(registry.url, expected)
    assert expected.size == size
    assert expected.created == created
    assert [
        (p.os, p.architecture, p.variant, p.digest, p.size) for p in expected.platforms
    ] == platforms


def test_index_platforms_share_a_layer_and_carry_attestations(
    registry: SeededRegistry,
) -> None:
    index = registry.seed.tag("acme/multi", "latest")
    assert [(p.os, p.architecture, p.variant) for p in index.platforms] == [
        ("linux", "amd64", None),
        ("linux", "arm64", "v8"),
    ]
    assert len(index.attestations) == 2
    amd64, arm64 = (
        {
            layer["digest"]
            for layer in json.loads(registry.seed.manifests[p.digest])["layers"]
        }
        for p in index.platforms
    )
    assert amd64 & arm64, "the platform images must share a layer"
    body = json.loads(registry.seed.manifests[index.digest])
    attestation = body["manifests"][2]
    assert attestation["platform"] == {"architecture": "unknown", "os": "unknown"}
    annotations = attestation["annotations"]
    assert annotations["vnd.docker.reference.type"] == "attestation-manifest"
    assert annotations["vnd.docker.reference.digest"] == index.platforms[0].digest
    layers = json.loads(registry.seed.manifests[index.attestations[0]])["layers"]
    assert layers[0]["mediaType"] == "application/vnd.in-toto+json"


def test_created_dates_span_years_and_include_the_epoch(
    registry: SeededRegistry,
) -> None:
    alpine = registry.seed.repositories["library/alpine"].values()
    years = {t.created[:4] for t in alpine}
    assert len(years) >= 4
    assert registry.seed.tag("acme/webapp", "reproducible").created == EPOCH


def test_fresh_registry_starts_empty(fresh_registry: RegistryServer) -> None:
    response = httpx.get(f"{fresh_registry.url}/v2/_catalog")
    assert response.json() == {"repositories": []}
    assert fresh_registry.garbage_collect() == ""


def test_seed_is_reproducible(
    seeded_fresh_registry: SeededRegistry, fresh_registry: RegistryServer
) -> None:
    again = seed_registry(fresh_registry.url, SMALL_PLAN)
    assert again.repositories == seeded_fresh_registry.seed.repositories


def test_delete_by_tag_is_refused(seeded_fresh_registry: SeededRegistry) -> None:
    url = seeded_fresh_registry.url
    response = httpx.delete(f"{url}/v2/small/app/manifests/1.0")
    # Distribution 2.8 deletes manifests by digest only; a tag is "invalid".
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "DIGEST_INVALID"
    assert "1.0" in httpx.get(f"{url}/v2/small/app/tags/list").json()["tags"]


def test_delete_by_digest_then_garbage_collect(
    seeded_fresh_registry: SeededRegistry,
) -> None:
    url, seed = seeded_fresh_registry.url, seeded_fresh_registry.seed
    gone = seed.tag("small/app", "1.0")
    layer = json.loads(seed.manifests[gone.digest])["layers"][-1]["digest"]
    response = httpx.delete(f"{url}/v2/small/app/manifests/{gone.digest}")
    assert response.status_code == 202
    assert httpx.head(f"{url}/v2/small/app/blobs/{layer}").status_code == 200
    seeded_fresh_registry.server.garbage_collect()
    assert httpx.head(f"{url}/v2/small/app/blobs/{layer}").status_code == 404
    tags = httpx.get(f"{url}/v2/small/app/tags/list").json()["tags"]
    assert sorted(tags) == ["2.0", "latest"]


def test_delete_disabled_answers_405(registry_no_delete: SeededRegistry) -> None:
    digest = registry_no_delete.seed.tag("small/app", "1.0").digest
    url = f"{registry_no_delete.url}/v2/small/app/manifests/{digest}"
    response = httpx.delete(url)
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED"


def test_push_image_pushes_one_image(fresh_registry: RegistryServer) -> None:
    config = {"os": "linux", "architecture": "riscv64", "created": EPOCH}
    digest = push_image(fresh_registry.url, "one/off", "v1", config, [b"layer"])
    raw = skopeo_raw(fresh_registry.host, "one/off:v1")
    assert "sha256:" + hashlib.sha256(raw).hexdigest() == digest
    layer = json.loads(raw)["layers"][0]
    assert layer["size"] == len(b"layer")
    assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"


def test_missing_binary_fails_with_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with (
        pytest.raises(
            RegistryUnavailableError, match="apt-get install docker-registry"
        ),
        RegistryServer(),
    ):
        pass
