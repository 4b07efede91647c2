"""Write the demo registry: a directory of OCI image layouts in tui/demo/sample/.

    .venv/bin/python scripts/make_demo.py [--output DIR]

Every byte derives from fixed names and dates, so a second run writes the same
files: contents are SHAKE-256 streams of a name, tar headers carry fixed times
and owners, and the gzip header is written here without a timestamp. Only the
deflate stream comes from zlib; a zlib that compresses differently would change
layer digests, which the tests (a fresh run against the committed sample) catch.
Image configs come from the small Dockerfiles below; the files in the layers are
stand-ins of realistic sizes, so the images do not run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import struct
import tarfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
IN_TOTO = "application/vnd.in-toto+json"
REF_NAME = "org.opencontainers.image.ref.name"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "tui" / "demo" / "sample"
TOP_LEVEL = {"acme", "base", "tools"}
LAYER_STEPS = {"ADD", "COPY", "RUN"}
CONFIG_KEYS = {"WORKDIR": "WorkingDir", "STOPSIGNAL": "StopSignal", "USER": "User"}

Json = dict[str, Any]

API_DOCKERFILE = """ADD python-3.12-slim.tar /
ENV PYTHONUNBUFFERED=1 APP_ENV=production
RUN pip install -r requirements.txt
COPY . /srv/api
WORKDIR /srv/api
EXPOSE 8080/tcp 9090/tcp
USER 10001
ENTRYPOINT ["/usr/local/bin/acme-api"]
CMD ["serve", "--port", "8080"]
"""

WEB_DOCKERFILE = """ADD nginx-1.27.3.tar /
ENV NGINX_VERSION=1.27.3
COPY dist/ /usr/share/nginx/html
EXPOSE 80/tcp
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
"""

WORKER_DOCKERFILE = """ADD file:4b1a5c0e9d7f in /
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY dir:0f2e63a1c5d8 in /app
ENV PYTHONDONTWRITEBYTECODE=1 CELERY_BROKER_URL=redis://redis:6379/0
WORKDIR /app
USER worker
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["celery", "-A", "acme.worker", "worker", "--loglevel=info"]
"""

ROOTFS_DOCKERFILE = 'ADD rootfs.tar.xz /\nCMD ["{shell}"]'


def noise(name: str, size: int) -> bytes:
    """``size`` incompressible bytes that depend only on ``name``."""
    return hashlib.shake_256(name.encode()).digest(size)


def text(name: str, lines: int) -> bytes:
    """Compressible text that depends only on its arguments."""
    return "".join(f"{name}: line {number}\n" for number in range(lines)).encode()


def dump(document: Json, indent: int | None = None) -> bytes:
    """Compact JSON as Go tools write it, or indented as BuildKit writes an index."""
    separators = None if indent else (",", ":")
    return json.dumps(document, indent=indent, separators=separators).encode()


def sha256(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Layer:
    """A gzipped tar and the digest of the tar itself (the config's diff_id)."""

    data: bytes
    diff_id: str


def layer(created: str, files: dict[str, bytes]) -> Layer:
    """A reproducible layer: ustar, root-owned, every entry dated ``created``."""
    buffer = io.BytesIO()
    # Seconds are enough for tar; Go's nanoseconds would not parse before 3.12.
    mtime = int(datetime.fromisoformat(created[:19] + "+00:00").timestamp())
    directories = sorted({str(Path(path).parent) + "/" for path in files} - {"./"})
    entries: list[tuple[str, bytes | None]] = [(d, None) for d in directories]
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as out:
        for name, data in entries + list(files.items()):
            info = tarfile.TarInfo(name)
            info.mtime, info.uname, info.gname = mtime, "root", "root"
            info.mode = 0o755 if data is None or "bin/" in name else 0o644
            info.type = tarfile.DIRTYPE if data is None else tarfile.REGTYPE
            info.size = len(data or b"")
            out.addfile(info, None if data is None else io.BytesIO(data))
    archive = buffer.getvalue()

    # gzip's header holds a time and an OS; fixing both keeps the digest stable.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compressor.compress(archive) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(archive), len(archive))
    return Layer(b"\x1f\x8b\x08\0\0\0\0\0\x02\xff" + body + trailer, sha256(archive))


def run_dockerfile(recipe: str, created: str, docker: bool) -> tuple[Json, list[Json]]:
    """The runtime config and the history a builder records for a Dockerfile."""
    runtime: Json = {"Env": [PATH_ENV]}
    history: list[Json] = []
    for line in recipe.strip().splitlines():
        instruction, _, argument = line.partition(" ")
        if instruction == "ENV":
            runtime["Env"] += argument.split()
        elif instruction in ("CMD", "ENTRYPOINT"):
            runtime[instruction.title()] = json.loads(argument)
        elif instruction == "EXPOSE":
            runtime["ExposedPorts"] = {port: {} for port in argument.split()}
        elif instruction in CONFIG_KEYS:
            runtime[CONFIG_KEYS[instruction]] = argument

        step: Json = {"created": created}
        if docker:
            nop = "" if instruction == "RUN" else "#(nop) "
            step["created_by"] = f"/bin/sh -c {nop}{line.removeprefix('RUN ')}"
        else:
            shell = line.replace("RUN ", "RUN /bin/sh -c ", 1)
            suffix = " # buildkit" if instruction in LAYER_STEPS else ""
            step |= {"created_by": shell + suffix, "comment": "buildkit.dockerfile.v0"}
        if instruction not in LAYER_STEPS:
            step["empty_layer"] = True
        history.append(step)
    return runtime, history


@dataclass
class Layout:
    """One OCI image layout being built: its blobs and its index.json entries."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    entries: list[Json] = field(default_factory=list)

    def add(self, media_type: str, data: bytes, **extra: Any) -> Json:
        """Store a blob and return a descriptor of it."""
        digest = sha256(data)
        self.blobs[digest] = data
        return {"mediaType": media_type, "digest": digest, "size": len(data), **extra}

    def tag(self, descriptor: Json, *names: str) -> None:
        """List a manifest in index.json under each name, or untagged if none."""
        entry = {key: descriptor[key] for key in ("mediaType", "digest", "size")}
        for name in names:
            self.entries.append(entry | {"annotations": {REF_NAME: name}})
        if not names:
            self.entries.append(entry)

    def manifest(self, docker: bool, config: Json, layers: list[Json]) -> Json:
        """Store a config and an image manifest over ``layers``."""
        kind = DOCKER_MANIFEST if docker else OCI_MANIFEST
        stored = self.add(DOCKER_CONFIG if docker else OCI_CONFIG, dump(config))
        document = {"schemaVersion": 2, "mediaType": kind, "config": stored}
        return self.add(kind, dump(document | {"layers": layers}))

    def image(
        self, dockerfile: str, created: str, layers: list[Layer], **options: Any
    ) -> Json:
        """Store an image built by ``dockerfile``; return its manifest descriptor.

        Options: ``platform`` (``linux/amd64``), ``labels``, ``docker`` (False).
        """
        docker = bool(options.get("docker"))
        runtime, history = run_dockerfile(dockerfile, created, docker)
        runtime["Labels"] = options.get("labels", {})
        assert sum("empty_layer" not in step for step in history) == len(layers)

        config = platform_json(options.get("platform", "linux/amd64"))
        config["created"] = created
        config["config"] = {key: value for key, value in runtime.items() if value}
        config["history"] = history
        config["rootfs"] = {"type": "layers", "diff_ids": [x.diff_id for x in layers]}
        layer_type = DOCKER_LAYER if docker else OCI_LAYER
        stored = [self.add(layer_type, x.data) for x in layers]
        return self.manifest(docker, config, stored)

    def attestation(self, subject: Json, name: str, created: str) -> Json:
        """A BuildKit attestation manifest (an SBOM and provenance) of ``subject``."""
        statement = {
            "_type": "https://in-toto.io/Statement/v0.1",
            "subject": [{"name": name, "digest": {"sha256": subject["digest"][7:]}}],
        }
        pkgs = [{"name": f"lib{i:02d}", "versionInfo": f"1.{i}"} for i in range(40)]
        predicates = {
            "https://spdx.dev/Document": {"spdxVersion": "SPDX-2.3", "packages": pkgs},
            "https://slsa.dev/provenance/v0.2": {
                "buildType": "https://mobyproject.org/buildkit@v1",
                "metadata": {"buildStartedOn": created, "buildFinishedOn": created},
            },
        }
        layers = []
        for kind, predicate in predicates.items():
            document = statement | {"predicateType": kind, "predicate": predicate}
            annotations = {"in-toto.io/predicate-type": kind}
            layers.append(self.add(IN_TOTO, dump(document), annotations=annotations))
        config = {"architecture": "unknown", "os": "unknown", "config": {}}
        config["rootfs"] = {"type": "layers", "diff_ids": [x["digest"] for x in layers]}
        return self.manifest(False, config, layers)

    def write(self, directory: Path) -> None:
        """Write the marker file, index.json and every blob under ``directory``."""
        (directory / "blobs" / "sha256").mkdir(parents=True)
        (directory / "oci-layout").write_bytes(dump({"imageLayoutVersion": "1.0.0"}))
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": self.entries}
        (directory / "index.json").write_bytes(dump(index))
        for digest, data in sorted(self.blobs.items()):
            (directory / "blobs" / "sha256" / digest[7:]).write_bytes(data)


def platform_json(platform: str) -> Json:
    """``linux/arm64/v8`` as image configs and indexes spell it."""
    os, architecture, *variant = platform.split("/")
    spelled = {"architecture": architecture, "os": os}
    return spelled | ({"variant": variant[0]} if variant else {})


def labels(project: str, version: str, revision: str, created: str) -> dict[str, str]:
    """The OCI labels a CI pipeline usually sets."""
    values = {"created": created, "revision": revision, "version": version}
    values |= {"source": f"https://git.acme.example/acme/{project}"}
    values |= {"title": f"acme-{project}", "vendor": "Acme Corp"}
    return {f"org.opencontainers.image.{key}": value for key, value in values.items()}


def acme_api() -> Layout:
    """Plain OCI images; latest and 1.4.2 share a digest; one build is untagged."""
    out = Layout()
    files = {"bin/python3": noise("python", 48_000), "lib/os.py": text("os", 99)}
    python = layer("2025-04-02T00:00:00Z", files)
    deps = {
        "1.3": layer("2025-05-20T09:10:00Z", {"venv/deps": noise("deps-1.3", 22_000)}),
        "1.4": layer("2026-08-19T16:38:00Z", {"venv/deps": noise("deps-1.4", 26_000)}),
    }
    for number, (version, revision, created, *tags) in enumerate(
        [
            ("1.3.0", "8d1e0a4", "2025-05-20T09:12:44Z", "1.3.0"),
            ("1.4.1", "c47b9e2", "2026-08-19T16:40:02Z", "1.4.1"),
            ("main", "3f9c2a1", "2026-10-02T08:27:15Z", "sha-3f9c2a1"),
            ("main", "a0b3d77", "2026-10-30T11:05:37Z"),
            ("1.4.2", "e5f0c19", "2026-11-18T10:21:09.123456789Z", "1.4.2", "latest"),
            ("pr-118", "77ac2d0", "2026-11-27T13:48:51Z", "pr-118"),
        ]
    ):
        code = {"srv/app.bin": noise(revision, 2_500 + 1_400 * number)}
        code["srv/urls.py"] = text(revision, 60)
        layers = [python, deps.get(version[:3], deps["1.4"]), layer(created, code)]
        build = labels("api", version, revision, created)
        out.tag(out.image(API_DOCKERFILE, created, layers, labels=build), *tags)
    return out


def acme_web() -> Layout:
    """An older single-platform image, then a two-platform index with attestations."""
    out = Layout()
    nginx = {
        arch: layer("2025-11-26T00:00:00Z", {"usr/sbin/nginx": noise(arch, 55_000)})
        for arch in ("amd64", "arm64")
    }

    def site(version: str, size: int, created: str) -> Layer:
        html = "usr/share/nginx/html/"
        files = {f"{html}app.js": noise(version, size), f"{html}index.html": b"<p>"}
        return layer(created, files)

    created = "2025-12-04T17:30:00Z"
    layers = [nginx["amd64"], site("2.0.3", 16_000, created)]
    build = labels("web", "2.0.3", "19be4f0", created)
    out.tag(out.image(WEB_DOCKERFILE, created, layers, labels=build), "2.0.3")

    # Both platforms share the site layer, so an index counts it once.
    shared_site = site("2.1.0", 18_000, "2026-11-20T14:00:00Z")
    children, attestations = [], []
    for platform, created in (
        ("linux/amd64", "2026-11-20T14:03:11Z"),
        ("linux/arm64/v8", "2026-11-20T14:05:47Z"),
    ):
        layers = [nginx[platform.split("/")[1]], shared_site]
        build = labels("web", "2.1.0", "5d2c8a3", created)
        child = out.image(
            WEB_DOCKERFILE, created, layers, platform=platform, labels=build
        )
        children.append(child | {"platform": platform_json(platform)})
        purl = f"pkg:docker/acme/web@2.1.0?platform={platform.replace('/', '%2F')}"
        kind = {"vnd.docker.reference.type": "attestation-manifest"}
        references = {"vnd.docker.reference.digest": child["digest"]} | kind
        unknown = {"architecture": "unknown", "os": "unknown"}
        proof = out.attestation(child, purl, created)
        attestations.append(proof | {"annotations": references, "platform": unknown})
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX}
    index["manifests"] = children + attestations
    out.tag(out.add(OCI_INDEX, dump(index, indent=3)), "2.1.0", "2.1", "latest")
    return out


def acme_worker() -> Layout:
    """Docker schema 2 images, as the classic docker builder pushes them."""
    out = Layout()
    base = layer("2025-12-15T00:00:00Z", {"lib/libc.so.6": noise("libc", 60_000)})
    for version, created, deps_size, *tags in (
        ("3.1.4", "2026-02-11T07:55:20Z", 70_000, "3.1.4"),
        ("3.2.0", "2026-07-14T21:02:33Z", 72_000, "3.2.0", "stable"),
    ):
        deps = {"site-packages.bin": noise(f"deps-{version}", deps_size)}
        code = {"app/worker.bin": noise(version, 7_000), "run.sh": text(version, 12)}
        layers = [base, layer(created, deps), layer(created, code)]
        maintainer = {"maintainer": "platform@acme.example", "version": version}
        options = {"labels": maintainer, "docker": True}
        out.tag(out.image(WORKER_DOCKERFILE, created, layers, **options), *tags)
    return out


def base_debian() -> Layout:
    """Debian roots; one entry is named by a full reference, as containerd does."""
    out = Layout()
    full_reference = "docker.io/library/debian:12.11"
    for codename, created, size, *tags in (
        ("bullseye", "2025-01-13T00:00:00Z", 130_000, "11", "bullseye"),
        ("bookworm", "2026-09-08T00:00:00Z", 160_000, "12", "bookworm", full_reference),
    ):
        files = {"usr/bin/dpkg": noise(codename, size), "etc/os-release": b"ID=debian"}
        dockerfile = ROOTFS_DOCKERFILE.format(shell="bash")
        out.tag(out.image(dockerfile, created, [layer(created, files)]), *tags)
    return out


def tools_busybox() -> Layout:
    """A reproducible build: every date is the Unix epoch."""
    out = Layout()
    created = "1970-01-01T00:00:00Z"
    root = layer(created, {"bin/busybox": noise("busybox-1.36.1", 210_000)})
    dockerfile = ROOTFS_DOCKERFILE.format(shell="sh")
    out.tag(out.image(dockerfile, created, [root]), "1.36.1", "latest")
    return out


def main(argv: list[str] | None = None) -> int:
    """Write every repository's layout under the output directory."""
    parser = argparse.ArgumentParser(description="Write the demo OCI layouts.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    output: Path = parser.parse_args(argv).output
    if output.exists():
        unexpected = {child.name for child in output.iterdir()} - TOP_LEVEL
        if unexpected:
            parser.error(f"{output} holds more than a demo: {sorted(unexpected)}")
        # Blobs of an earlier run would otherwise linger beside the new ones.
        shutil.rmtree(output)

    total = 0
    for name, build in (
        ("acme/api", acme_api),
        ("acme/web", acme_web),
        ("acme/worker", acme_worker),
        ("base/debian", base_debian),
        ("tools/busybox", tools_busybox),
    ):
        layout = build()
        layout.write(output / name)
        size = sum(len(data) for data in layout.blobs.values())
        total += size
        print(f"{name:14} {len(layout.entries):2} entries {size / 1024:7.1f} KiB")
    print(f"{'total':25} {total / 1024:7.1f} KiB in {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
