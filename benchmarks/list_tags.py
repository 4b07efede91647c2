"""How fast tagyard lists a repository's tags with details, beside skopeo.

Starts a real CNCF Distribution registry on 127.0.0.1 (the one the tests use),
pushes one repository with TAGS tags over IMAGES distinct images, then times,
in the same run:

- tagyard: every tag with digest, size, created date and platforms (the work
  behind ``tagyard tags`` and the tags pane), in process and as the CLI;
- skopeo: ``skopeo list-tags`` plus ``skopeo inspect`` per tag, which is what a
  script does to get the same digest and created date for every tag.

Prints the seconds of each and the ratio. Usage::

    .venv/bin/python benchmarks/list_tags.py [--tags 200] [--images 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from registry_server import RegistryServer
from seed import push_image

from tui.registry.client import RegistryClient
from tui.registry.images import Inspector

REPOSITORY = "bench/app"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def seed(url: str, tags: int, images: int) -> None:
    """Push ``images`` images and spread ``tags`` tags over them."""
    manifests = []
    for number in range(images):
        config = {
            "created": f"2024-01-{number % 28 + 1:02d}T00:00:00Z",
            "os": "linux",
            "architecture": "amd64",
        }
        digest = push_image(url, REPOSITORY, f"base-{number}", config, [b"x" * number])
        with httpx.Client(base_url=url) as client:
            raw = client.get(
                f"/v2/{REPOSITORY}/manifests/{digest}", headers={"Accept": OCI_MANIFEST}
            ).content
        manifests.append(raw)
    with httpx.Client(base_url=url) as client:
        for number in range(tags - images):
            client.put(
                f"/v2/{REPOSITORY}/manifests/v{number}",
                content=manifests[number % images],
                headers={"Content-Type": OCI_MANIFEST},
            ).raise_for_status()


async def tagyard_in_process(host: str) -> int:
    client = RegistryClient(host)
    try:
        entries = await Inspector(client).tagged_images(REPOSITORY)
    finally:
        await client.aclose()
    return len(entries)


def tagyard_cli(host: str) -> int:
    completed = subprocess.run(
        [sys.executable, "-m", "tui", "tags", f"{host}/{REPOSITORY}", "--json"],
        capture_output=True,
        check=True,
    )
    return len(json.loads(completed.stdout))


def skopeo(host: str) -> int:
    reference = f"docker://{host}/{REPOSITORY}"
    listed = subprocess.run(
        ["skopeo", "list-tags", "--tls-verify=false", reference],
        capture_output=True,
        check=True,
    )
    tags = json.loads(listed.stdout)["Tags"]
    for tag in tags:
        subprocess.run(
            ["skopeo", "inspect", "--tls-verify=false", f"{reference}:{tag}"],
            capture_output=True,
            check=True,
        )
    return len(tags)


def timed(label: str, run: object) -> float:
    start = time.perf_counter()
    count = run() if callable(run) else None
    seconds = time.perf_counter() - start
    print(f"{label:<28} {seconds:8.3f} s  ({count} tags)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument("--images", type=int, default=20)
    options = parser.parse_args()
    with RegistryServer() as server:
        seed(server.url, options.tags, options.images)
        print(f"{options.tags} tags over {options.images} images on {server.host}")
        ours = timed(
            "tagyard (in process)", lambda: asyncio.run(tagyard_in_process(server.host))
        )
        cli = timed("tagyard tags --json (CLI)", lambda: tagyard_cli(server.host))
        peer = timed("skopeo list-tags + inspect", lambda: skopeo(server.host))
        print(f"skopeo / tagyard in process: {peer / ours:6.1f}x")
        print(f"skopeo / tagyard CLI:        {peer / cli:6.1f}x")


if __name__ == "__main__":
    main()
