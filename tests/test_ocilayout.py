"""LayoutRegistry against a fresh copy of the bundled demo layouts.

Expected sizes are computed here straight from the JSON files on disk, not
through tagyard's parser, and skopeo (where installed) confirms the digests.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.demo import prepare_demo
from tui.registry import mediatypes as mt
from tui.registry.backend import Registry
from tui.registry.errors import (
    DigestMismatch,
    InvalidReference,
    ManifestUnknown,
    NotFound,
    ProtocolError,
    RegistryUnreachable,
    RepositoryUnknown,
)
from tui.registry.images import Inspector
from tui.registry.models import DeletePath
from tui.registry.ocilayout import LayoutRegistry

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tui" / "demo" / "sample"
REPOSITORIES = ["acme/api", "acme/web", "acme/worker", "base/debian", "tools/busybox"]
skopeo = pytest.mark.skipif(shutil.which("skopeo") is None, reason="needs skopeo")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return prepare_demo(tmp_path)


@pytest.fixture
def registry(demo: Path) -> LayoutRegistry:
    return LayoutRegistry(demo)


def read_blob(layout: Path, digest: str) -> Any:
    algorithm, _, encoded = digest.partition(":")
    return json.loads((layout / "blobs" / algorithm / encoded).read_bytes())


def image_blobs(layout: Path, digest: str) -> dict[str, int]:
    manifest = read_blob(layout, digest)
    blobs = [manifest["config"], *manifest["layers"]]
    return {blob["digest"]: blob["size"] for blob in blobs}


async def skopeo_digest(layout: Path, tag: str) -> str:
    command = ["skopeo", "inspect", "--raw", f"oci:{layout}:{tag}"]
    pipe = subprocess.PIPE
    process = await asyncio.create_subprocess_exec(*command, stdout=pipe, stderr=pipe)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return "sha256:" + hashlib.sha256(out).hexdigest()


async def test_it_is_a_registry(registry: LayoutRegistry, demo: Path) -> None:
    assert isinstance(registry, Registry)
    assert registry.name == f"oci:{demo}"
    assert registry.supports_catalog
    assert registry.pull_reference("acme/api") == f"oci:{demo}/acme/api"
    await registry.ping()
    assert await registry.repositories() == REPOSITORIES
    await registry.aclose()


async def test_a_single_layout_is_one_repository(demo: Path) -> None:
    single = LayoutRegistry(demo / "acme" / "api")

    assert await single.repositories() == ["api"]
    assert "1.4.2" in await single.tags("api")
    assert single.pull_reference("api") == f"oci:{demo}/acme/api"
    with pytest.raises(RepositoryUnknown):
        await single.tags("acme/api")


async def test_tags_and_untagged_manifests(registry: LayoutRegistry) -> None:
    tags = await registry.tags("acme/api")
    untagged = await registry.untagged("acme/api")

    assert tags == ["1.3.0", "1.4.1", "1.4.2", "latest", "pr-118", "sha-3f9c2a1"]
    assert len(untagged) == 1
    tagged = {await registry.resolve("acme/api", tag) for tag in tags}
    assert untagged[0] not in tagged
    manifest = await registry.manifest("acme/api", untagged[0])
    assert manifest.digest == untagged[0]


async def test_tags_share_digests(registry: LayoutRegistry) -> None:
    async def digest(repository: str, tag: str) -> str:
        return await registry.resolve(repository, tag)

    assert await digest("acme/api", "latest") == await digest("acme/api", "1.4.2")
    assert await digest("acme/api", "latest") != await digest("acme/api", "1.4.1")
    web = {await digest("acme/web", tag) for tag in ("latest", "2.1", "2.1.0")}
    assert len(web) == 1
    # 12.11 is written as the full reference docker.io/library/debian:12.11.
    debian = {await digest("base/debian", tag) for tag in ("12", "bookworm", "12.11")}
    assert len(debian) == 1
    assert await digest("base/debian", "11") not in debian


async def test_plain_images_have_sizes_dates_and_configs(
    registry: LayoutRegistry, demo: Path
) -> None:
    layout = demo / "acme" / "api"

    tagged = await Inspector(registry).tagged_images("acme/api")

    assert [t.tag for t in tagged] == await registry.tags("acme/api")
    for item in tagged:
        assert item.image is not None, item.error
        expected = image_blobs(layout, item.image.digest)
        assert item.image.size == sum(expected.values())
        assert [str(p.platform) for p in item.image.platforms] == ["linux/amd64"]
    latest = next(t.image for t in tagged if t.tag == "latest")
    assert latest is not None
    assert latest.created == datetime(2026, 11, 18, 10, 21, 9, 123456, tzinfo=UTC)
    config = latest.platforms[0].config
    assert config is not None
    assert config.entrypoint == ("/usr/local/bin/acme-api",)
    assert config.cmd == ("serve", "--port", "8080")
    assert config.exposed_ports == ("8080/tcp", "9090/tcp")
    assert config.working_dir == "/srv/api"
    assert config.user == "10001"
    assert config.labels["org.opencontainers.image.version"] == "1.4.2"
    assert "PYTHONUNBUFFERED=1" in config.env
    assert len(config.history) == 9


async def test_an_index_counts_each_blob_of_every_child_once(
    registry: LayoutRegistry, demo: Path
) -> None:
    layout = demo / "acme" / "web"
    digest = await registry.resolve("acme/web", "latest")
    children = read_blob(layout, digest)["manifests"]
    expected: dict[str, int] = {}
    for child in children:
        expected |= image_blobs(layout, child["digest"])

    image = await Inspector(registry).image("acme/web", digest)

    assert image.is_index
    assert image.size == sum(expected.values())
    # The site layer is shared by both platforms, so the index is smaller
    # than the sum of its parts.
    per_child = sum(sum(image_blobs(layout, c["digest"]).values()) for c in children)
    assert image.size < per_child
    platforms = [str(p.platform) for p in image.platforms]
    assert platforms == ["linux/amd64", "linux/arm64/v8"]
    attested = [
        a.annotations["vnd.docker.reference.digest"] for a in image.attestations
    ]
    assert attested == [p.digest for p in image.platforms]
    assert image.created == max(p.created for p in image.platforms if p.created)
    assert image.created == datetime(2026, 11, 20, 14, 5, 47, tzinfo=UTC)


async def test_schema2_and_reproducible_images(
    registry: LayoutRegistry, demo: Path
) -> None:
    image = await Inspector(registry).image("acme/worker", "stable")
    busybox = await Inspector(registry).image("tools/busybox", "latest")

    assert image.media_type == mt.DOCKER_MANIFEST
    assert image.size == sum(image_blobs(demo / "acme/worker", image.digest).values())
    config = image.platforms[0].config
    assert config is not None
    assert config.cmd[0] == "celery"
    assert config.labels["maintainer"] == "platform@acme.example"
    assert busybox.created == datetime(1970, 1, 1, tzinfo=UTC)


async def test_delete_tag_leaves_the_sibling_tag(registry: LayoutRegistry) -> None:
    digest = await registry.resolve("acme/api", "latest")

    outcome = await registry.delete_tag("acme/api", "latest")

    assert outcome.path is DeletePath.LAYOUT
    assert outcome.digest == digest
    assert outcome.removed_tags == ("latest",)
    assert "latest" not in await registry.tags("acme/api")
    assert await registry.resolve("acme/api", "1.4.2") == digest
    assert digest not in await registry.untagged("acme/api")


async def test_deleting_the_last_tag_keeps_the_manifest_untagged(
    registry: LayoutRegistry,
) -> None:
    digest = await registry.resolve("acme/api", "1.3.0")

    outcome = await registry.delete_tag("acme/api", "1.3.0")

    assert outcome.note is not None
    assert digest in await registry.untagged("acme/api")
    assert (await registry.manifest("acme/api", digest)).digest == digest
    with pytest.raises(ManifestUnknown):
        await registry.delete_tag("acme/api", "1.3.0")


async def test_delete_manifest_removes_all_its_tags(
    registry: LayoutRegistry, demo: Path
) -> None:
    digest = await registry.resolve("base/debian", "bookworm")

    outcome = await registry.delete_manifest("base/debian", digest)

    assert outcome.path is DeletePath.LAYOUT
    assert outcome.removed_tags == ("12", "12.11", "bookworm")
    assert outcome.note is not None and "stay" in outcome.note
    assert await registry.tags("base/debian") == ["11", "bullseye"]
    assert digest[7:] not in (demo / "base/debian/index.json").read_text()
    assert (demo / "base/debian/blobs/sha256" / digest[7:]).is_file()
    with pytest.raises(ManifestUnknown):
        await registry.resolve("base/debian", "12")
    with pytest.raises(ManifestUnknown):
        await registry.delete_manifest("base/debian", digest)


async def test_put_manifest_round_trip(registry: LayoutRegistry, demo: Path) -> None:
    layout = demo / "acme" / "api"
    document = json.loads((layout / "index.json").read_bytes())
    document["annotations"] = {"kept": "yes"}
    (layout / "index.json").write_text(json.dumps(document))
    source = await registry.manifest("acme/api", "1.4.1")

    digest = await registry.put_manifest(
        "acme/api", "copy", source.media_type, source.raw
    )

    assert digest == source.digest
    assert await registry.resolve("acme/api", "copy") == digest
    assert (await registry.manifest("acme/api", "copy")).raw == source.raw
    kept = json.loads((layout / "index.json").read_bytes())["annotations"]
    assert kept == {"kept": "yes"}
    assert not [p for p in layout.iterdir() if p.name.startswith(".")]
    if shutil.which("skopeo"):
        assert await skopeo_digest(layout, "copy") == digest


async def test_put_manifest_moves_a_tag(registry: LayoutRegistry) -> None:
    old = await registry.resolve("acme/api", "pr-118")
    raw = (await registry.manifest("acme/api", "1.4.1")).raw

    new = await registry.put_manifest("acme/api", "pr-118", mt.OCI_MANIFEST, raw)

    assert await registry.resolve("acme/api", "pr-118") == new != old
    assert old in await registry.untagged("acme/api")
    assert new not in await registry.untagged("acme/api")


async def test_put_manifest_by_digest_adds_an_untagged_entry(
    registry: LayoutRegistry,
) -> None:
    digest = await registry.resolve("acme/worker", "3.1.4")
    raw = (await registry.manifest("acme/worker", digest)).raw
    await registry.delete_manifest("acme/worker", digest)

    stored = await registry.put_manifest("acme/worker", digest, mt.DOCKER_MANIFEST, raw)

    assert stored == digest
    assert await registry.untagged("acme/worker") == [digest]
    with pytest.raises(DigestMismatch):
        await registry.put_manifest("acme/worker", digest, mt.OCI_MANIFEST, raw + b" ")


async def test_put_manifest_refuses_missing_blobs(
    registry: LayoutRegistry, demo: Path
) -> None:
    before = (demo / "acme/api/index.json").read_bytes()
    document = json.loads((await registry.manifest("acme/api", "1.4.1")).raw)
    document["layers"][0]["digest"] = "sha256:" + "0" * 64

    raw = json.dumps(document).encode()
    with pytest.raises(NotFound):
        await registry.put_manifest("acme/api", "broken", mt.OCI_MANIFEST, raw)

    assert (demo / "acme/api/index.json").read_bytes() == before


async def test_a_tampered_manifest_is_detected(
    registry: LayoutRegistry, demo: Path
) -> None:
    digest = await registry.resolve("acme/api", "1.4.1")
    path = demo / "acme/api/blobs/sha256" / digest[7:]
    path.write_bytes(path.read_bytes().replace(b'"size":', b'"size": '))

    with pytest.raises(DigestMismatch) as caught:
        await registry.manifest("acme/api", "1.4.1")

    assert str(path) in str(caught.value)
    tagged = {t.tag: t for t in await Inspector(registry).tagged_images("acme/api")}
    assert tagged["1.4.1"].image is None and tagged["1.4.1"].error
    assert tagged["1.4.2"].image is not None


async def test_a_missing_path_is_unreachable(tmp_path: Path) -> None:
    missing = LayoutRegistry(tmp_path / "nowhere")
    (tmp_path / "file").write_text("not a layout")

    with pytest.raises(RegistryUnreachable, match="nowhere"):
        await missing.ping()
    with pytest.raises(RegistryUnreachable):
        await missing.repositories()
    with pytest.raises(RegistryUnreachable):
        await missing.tags("acme/api")
    with pytest.raises(RegistryUnreachable):
        await LayoutRegistry(tmp_path / "file").repositories()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[]", b'{"manifests": [{"digest": "sha256:nope", "size": 1}]}'],
)
async def test_a_malformed_index_names_the_file(
    registry: LayoutRegistry, demo: Path, content: bytes
) -> None:
    index = demo / "acme/api/index.json"
    index.write_bytes(content)

    with pytest.raises(ProtocolError) as caught:
        await registry.tags("acme/api")

    assert str(index) in str(caught.value)
    assert await registry.tags("acme/web")


async def test_missing_things_raise_not_found_errors(registry: LayoutRegistry) -> None:
    with pytest.raises(RepositoryUnknown) as caught:
        await registry.tags("acme/nope")
    assert caught.value.hint
    with pytest.raises(ManifestUnknown) as unknown:
        await registry.resolve("acme/api", "nope")
    assert unknown.value.hint
    with pytest.raises(ManifestUnknown):
        await registry.manifest("acme/api", "sha256:" + "1" * 64)
    with pytest.raises(NotFound):
        await registry.blob("acme/api", "sha256:" + "1" * 64)
    with pytest.raises(InvalidReference):
        await registry.tags("acme/../base/debian")
    assert not await registry.has_blob("acme/api", "sha256:" + "1" * 64)


@skopeo
@pytest.mark.parametrize("name", ["acme/api:1.4.2", "acme/web:latest"])
async def test_skopeo_computes_the_same_digest(
    registry: LayoutRegistry, demo: Path, name: str
) -> None:
    repository, tag = name.split(":")
    expected = await registry.resolve(repository, tag)

    assert await skopeo_digest(demo / repository, tag) == expected


async def test_each_demo_is_a_fresh_writable_copy(registry: LayoutRegistry) -> None:
    other = prepare_demo()
    try:
        assert other.parent == Path(tempfile.gettempdir())
        assert other != registry.root

        await registry.delete_tag("acme/api", "latest")

        assert "latest" in await LayoutRegistry(other).tags("acme/api")
        assert "latest" in await LayoutRegistry(SAMPLE).tags("acme/api")
    finally:
        shutil.rmtree(other)


def test_the_script_reproduces_the_committed_sample(tmp_path: Path) -> None:
    output = tmp_path / "sample"

    script = ROOT / "scripts" / "make_demo.py"
    command = [sys.executable, str(script), "--output", str(output)]
    subprocess.run(command, check=True, capture_output=True)

    written = sorted(p.relative_to(output) for p in output.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    assert written == committed
    for relative in written:
        assert (output / relative).read_bytes() == (SAMPLE / relative).read_bytes()
    assert sum((SAMPLE / p).stat().st_size for p in committed) < 2_000_000
