"""Push deterministic images to a registry and describe what was pushed.

Plain ``httpx`` calls keep the test data independent of tagyard's own client.
Every byte is fixed (tar and gzip headers included), so digests never change.
:class:`Seed` records what the code under test must find.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx

Family = Literal["oci", "docker"]

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
# Per family: manifest, config, layer and index media types.
_MEDIA = {
    "oci": (OCI_MANIFEST, OCI_CONFIG, OCI_LAYER, OCI_INDEX),
    "docker": (DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST),
}
EPOCH = "1970-01-01T00:00:00Z"


def sha256_digest(data: bytes) -> str:
    """The ``sha256:<hex>`` digest of some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Blob:
    """Content to upload; ``diff_id`` is the digest of a layer once unpacked."""

    media_type: str
    data: bytes
    diff_id: str = ""

    @property
    def digest(self) -> str:
        """Digest of the bytes as stored."""
        return sha256_digest(self.data)

    def descriptor(self) -> dict[str, Any]:
        """The JSON descriptor a manifest points at this blob with."""
        return dict(mediaType=self.media_type, digest=self.digest, size=len(self.data))


@dataclass(frozen=True)
class SeedPlatform:
    """One runnable image of a tag: its platform, manifest digest and size."""

    os: str
    architecture: str
    variant: str | None
    digest: str
    size: int


@dataclass(frozen=True)
class SeedTag:
    """What a tag must resolve to; ``created`` is ISO 8601 in UTC."""

    repository: str
    tag: str
    digest: str
    media_type: str
    size: int
    created: str
    platforms: tuple[SeedPlatform, ...]
    attestations: tuple[str, ...] = ()


@dataclass
class Seed:
    """Everything pushed: ``repositories[repo][tag]`` is a :class:`SeedTag`.

    ``manifests`` maps each stored manifest digest (children too) to its bytes;
    ``emptied_tags_value`` is the ``tags`` of ``emptied_repository``'s tags/list.
    """

    repositories: dict[str, dict[str, SeedTag]] = field(default_factory=dict)
    manifests: dict[str, bytes] = field(default_factory=dict)
    emptied_repository: str | None = None
    emptied_tags_value: list[str] | None = None

    def tag(self, repository: str, tag: str) -> SeedTag:
        """The tag ``repository:tag``."""
        return self.repositories[repository][tag]


@dataclass(frozen=True)
class BuiltManifest:
    """A manifest serialised to bytes, with the blobs and children it needs."""

    media_type: str
    raw: bytes
    blobs: tuple[Blob, ...]
    children: tuple[BuiltManifest, ...] = ()
    created: str | None = None
    platform: tuple[str, str, str | None] | None = None
    attestations: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        """The manifest digest: sha256 of the exact bytes pushed."""
        return sha256_digest(self.raw)

    @property
    def size(self) -> int:
        """Compressed bytes: each distinct blob of this manifest and children."""
        blobs = [b for m in (self, *self.children) for b in m.blobs]
        return sum({b.digest: len(b.data) for b in blobs}.values())

    def platforms(self) -> tuple[SeedPlatform, ...]:
        """The runnable children of an index, or the image itself."""
        images = [c for c in self.children if c.digest not in self.attestations]
        return tuple(
            SeedPlatform(*m.platform, m.digest, m.size)
            for m in images or [self]
            if m.platform is not None
        )


def make_layer(files: Mapping[str, bytes], family: Family = "oci") -> Blob:
    """A gzip-compressed tar layer whose bytes never vary between runs."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(content), 0o644, 0
            tar.addfile(info, io.BytesIO(content))
    data = gzip.compress(raw.getvalue(), mtime=0)
    return Blob(_MEDIA[family][2], data, sha256_digest(raw.getvalue()))


def image_config(
    created: str, layers: Sequence[Blob], platform: str = "linux/amd64", **config: Any
) -> dict[str, Any]:
    """An image config for ``layers``; ``config`` keys (Cmd, Labels...) override."""
    os_, arch, *variant = platform.split("/")
    steps = [f"COPY layer-{i} / # buildkit" for i in range(len(layers))]
    history: list[Any] = [{"created": created, "created_by": s} for s in steps]
    history.append({"created": created, "created_by": "CMD", "empty_layer": True})
    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    out: dict[str, Any] = {"architecture": arch, "os": os_, "created": created}
    if variant:
        out["variant"] = variant[0]
    return out | {
        "config": {"Env": env, "Cmd": ["/bin/sh"], "WorkingDir": "/"} | config,
        "rootfs": {"type": "layers", "diff_ids": [b.diff_id for b in layers]},
        "history": history,
    }


def build_image(
    config: Mapping[str, Any], layers: Sequence[Blob | bytes], family: Family = "oci"
) -> BuiltManifest:
    """Serialise an image manifest; plain ``bytes`` layers are stored as given."""
    manifest_type, config_type, layer_type, _ = _MEDIA[family]
    config_blob = Blob(config_type, json.dumps(config).encode())
    blobs = [b if isinstance(b, Blob) else Blob(layer_type, b) for b in layers]
    body = {"schemaVersion": 2, "mediaType": manifest_type}
    body["config"] = config_blob.descriptor()
    body["layers"] = [b.descriptor() for b in blobs]
    platform = None
    if "os" in config and "architecture" in config:
        platform = (config["os"], config["architecture"], config.get("variant"))
    blobs.insert(0, config_blob)
    created = config.get("created")
    raw = json.dumps(body, indent=3).encode()
    return BuiltManifest(manifest_type, raw, tuple(blobs), (), created, platform)


def _attestation(subject: BuiltManifest) -> BuiltManifest:
    # Shaped like the provenance buildx pushes next to each platform image.
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": "_", "digest": {"sha256": subject.digest[7:]}}],
        "predicate": {"buildType": "https://mobyproject.org/buildkit@v1"},
    }
    data = json.dumps(statement).encode()
    layer = Blob("application/vnd.in-toto+json", data, sha256_digest(data))
    config = {"architecture": "unknown", "os": "unknown", "config": {}}
    config["rootfs"] = {"type": "layers", "diff_ids": [layer.diff_id]}
    return build_image(config, [layer], "oci")


def build_index(
    images: Sequence[BuiltManifest], family: Family = "oci", *, attest: bool = False
) -> BuiltManifest:
    """An index of ``images``, with buildx-style attestations if ``attest``."""
    attestations = [_attestation(image) for image in images] if attest else []
    entries: list[dict[str, Any]] = []
    for child in (*images, *attestations):
        entry: dict[str, Any] = {"mediaType": child.media_type, "digest": child.digest}
        entry["size"] = len(child.raw)
        if child.platform is not None:
            os_, arch, variant = child.platform
            platform = {"architecture": arch, "os": os_}
            entry["platform"] = platform | ({"variant": variant} if variant else {})
        entries.append(entry)
    for image, entry in zip(images, entries[len(images) :], strict=False):
        entry["annotations"] = {
            "vnd.docker.reference.digest": image.digest,
            "vnd.docker.reference.type": "attestation-manifest",
        }
    index_type = _MEDIA[family][3]
    body = {"schemaVersion": 2, "mediaType": index_type, "manifests": entries}
    dates = [m.created for m in images if m.created]
    created = max(dates, key=datetime.fromisoformat) if dates else None
    raw, children = json.dumps(body, indent=3).encode(), (*images, *attestations)
    digests = tuple(a.digest for a in attestations)
    return BuiltManifest(index_type, raw, (), children, created, None, digests)


def _expect(response: httpx.Response, status: int) -> httpx.Response:
    request = f"{response.request.method} {response.request.url}"
    assert response.status_code == status, f"{request}: {response.text[:500]}"
    return response


class Pusher:
    """Uploads blobs and manifests, mounting blobs another repository has."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.seed = Seed()
        self._home: dict[str, str] = {}

    def push_blob(self, repository: str, blob: Blob) -> None:
        """Make ``blob`` available in ``repository``."""
        home = self._home.get(blob.digest)
        params = {"mount": blob.digest, "from": home} if home else None
        response = self.client.post(f"/v2/{repository}/blobs/uploads/", params=params)
        # 201 means the mount worked; 202 opened an upload for the bytes.
        if response.status_code != 201:
            location = httpx.URL(_expect(response, 202).headers["Location"])
            # The upload URL carries the upload's state in its query: keep it.
            url = location.copy_merge_params({"digest": blob.digest})
            headers = {"Content-Type": "application/octet-stream"}
            _expect(self.client.put(url, content=blob.data, headers=headers), 201)
        self._home.setdefault(blob.digest, repository)

    def push_manifest(
        self, repository: str, manifest: BuiltManifest, tags: Sequence[str] = ()
    ) -> str:
        """Push ``manifest`` with all it needs under ``tags`` (or its digest)."""
        for child in manifest.children:
            self.push_manifest(repository, child)
        for blob in manifest.blobs:
            self.push_blob(repository, blob)
        for reference in tags or [manifest.digest]:
            url = f"/v2/{repository}/manifests/{reference}"
            headers = {"Content-Type": manifest.media_type}
            response = self.client.put(url, content=manifest.raw, headers=headers)
            digest = _expect(response, 201).headers["Docker-Content-Digest"]
            assert digest == manifest.digest, "registry computed another digest"
        self.seed.manifests[manifest.digest] = manifest.raw
        return manifest.digest

    def push(
        self, repository: str, manifest: BuiltManifest, tags: Sequence[str]
    ) -> None:
        """Push ``manifest`` under ``tags`` and record those tags in the seed."""
        self.push_manifest(repository, manifest, tags)
        m, recorded = manifest, self.seed.repositories.setdefault(repository, {})
        facts = (m.digest, m.media_type, m.size, m.created or "", m.platforms())
        recorded |= {t: SeedTag(repository, t, *facts, m.attestations) for t in tags}

    def empty_repository(self, repository: str, manifest: BuiltManifest) -> None:
        """Push ``manifest`` under one tag, then delete it by digest."""
        self.push_manifest(repository, manifest, ["doomed"])
        gone = self.client.delete(f"/v2/{repository}/manifests/{manifest.digest}")
        _expect(gone, 202)
        del self.seed.manifests[manifest.digest]
        listing = _expect(self.client.get(f"/v2/{repository}/tags/list"), 200)
        self.seed.repositories[repository] = {}
        self.seed.emptied_repository = repository
        self.seed.emptied_tags_value = listing.json().get("tags")


def push_image(
    base_url: str,
    repository: str,
    tag: str,
    config: Mapping[str, Any],
    layers: Sequence[bytes],
    family: Family = "oci",
) -> str:
    """Push one image made of ``config`` and raw ``layers``; return its digest."""
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        manifest = build_image(config, layers, family)
        return Pusher(client).push_manifest(repository, manifest, [tag])


_BASES = {f: make_layer({"etc/os-release": b"ID=seed\n"}, f) for f in ("oci", "docker")}
_WEB = {"Entrypoint": ["/usr/local/bin/webapp"], "Cmd": ["--port", "8080"]}
_CONFIG_EXTRAS: dict[str, dict[str, Any]] = {
    "acme/webapp": _WEB | {"ExposedPorts": {"8080/tcp": {}}, "WorkingDir": "/srv"},
    "library/alpine": {"Labels": {"org.opencontainers.image.vendor": "Seed"}},
}


def _image(
    created: str, platform: str = "linux/amd64", family: Family = "oci", **extra: Any
) -> BuiltManifest:
    # Content follows from the arguments alone, so rows with the same date and
    # kind share one image (and one digest). Hash chains do not compress, so
    # the second layer is about 2 KiB; the base layer is shared by all images.
    key = f"{created} {platform} {sorted(extra.items())}"
    noise = b"".join(hashlib.sha256(f"{key}{i}".encode()).digest() for i in range(64))
    layers = [_BASES[family], make_layer({"opt/app": noise}, family)]
    return build_image(image_config(created, layers, platform, **extra), layers, family)


def _later(created: str, minutes: int) -> str:
    return f"{datetime.fromisoformat(created) + timedelta(minutes=minutes):%FT%TZ}"


def _build(kind: str, created: str, extra: dict[str, Any]) -> BuiltManifest:
    if kind == "oci-index":
        arm = _image(_later(created, 7), "linux/arm64/v8", **extra)
        return build_index([_image(created, **extra), arm], attest=True)
    if kind == "docker-list":
        # The newest child sits in the middle, so "last child" is not "newest".
        platforms = [("linux/amd64", 0), ("linux/arm64/v8", 9), ("linux/arm/v7", -60)]
        images = [_image(_later(created, m), p, "docker") for p, m in platforms]
        return build_index(images, "docker")
    return _image(created, family="docker" if kind == "docker" else "oci", **extra)


def _builds(day: int) -> tuple[str, ...]:
    return tuple(f"build-{day * 10 - 10 + i:03d}" for i in range(1, 11))


# Rows: repository, kind (docker, oci, docker-list or oci-index), created, tags.
_Plan = list[tuple[str, str, str, tuple[str, ...]]]
SMALL_PLAN: _Plan = [
    ("small/app", "docker", "2021-04-01T08:00:00Z", ("1.0",)),
    ("small/app", "docker", "2023-09-15T16:30:00Z", ("2.0", "latest")),
    ("small/multi", "oci-index", "2024-03-03T03:03:03Z", ("v1", "latest")),
]
FULL_PLAN: _Plan = [
    ("library/alpine", "docker", "2019-06-19T19:14:11Z", ("3.10",)),
    ("library/alpine", "docker", "2021-11-24T20:19:40Z", ("3.15",)),
    ("library/alpine", "docker", "2023-05-09T23:11:10Z", ("3.18",)),
    ("library/alpine", "docker", "2024-01-27T00:51:38Z", ("3.19", "latest")),
    ("library/alpine", "docker", "2025-02-14T03:00:00Z", ("edge",)),
    ("library/busybox", "docker-list", "2024-09-26T21:31:42Z", ("1.36", "latest")),
    ("acme/webapp", "oci", "2020-03-01T09:30:00Z", ("v1.0.0",)),
    ("acme/webapp", "oci", "2022-08-15T14:45:00Z", ("v1.1.0", "stable")),
    ("acme/webapp", "oci", EPOCH, ("reproducible",)),
    ("acme/multi", "oci-index", "2023-02-01T10:00:00Z", ("1.0",)),
    ("acme/multi", "oci-index", "2025-06-01T12:00:00Z", ("2.0", "latest")),
    ("team/backend/api", "oci", "2025-01-10T08:00:00Z", ("main",)),
    ("team/backend/api", "oci", "2025-02-14T17:20:00Z", ("pr-42",)),
    ("team/frontend/web", "docker", "2018-05-04T11:11:11Z", ("latest",)),
    # Ten tags a day for 13 days, and 120 repositories sharing one image.
    *(
        ("team/many", "oci", f"2024-03-{d:02d}T06:00:00Z", _builds(d))
        for d in range(1, 14)
    ),
    *(
        (f"bulk/repo-{n:03d}", "oci", "2022-01-01T00:00:00Z", ("latest",))
        for n in range(120)
    ),
]
EMPTIED = "scratch/emptied"


def seed_registry(base_url: str, plan: _Plan, *, emptied: str | None = None) -> Seed:
    """Push every row of ``plan`` and, if asked, a repository left with no tags.

    :data:`FULL_PLAN` is for read-only tests, :data:`SMALL_PLAN` for destructive ones.
    """
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        pusher = Pusher(client)
        for repository, kind, created, tags in plan:
            extra = _CONFIG_EXTRAS.get(repository, {})
            pusher.push(repository, _build(kind, created, extra), tags)
        if emptied:
            pusher.empty_repository(emptied, _image("2021-01-01T00:00:00Z"))
        return pusher.seed
