"""A registry spoken to over the Docker Registry HTTP API v2 / OCI Distribution API.

:class:`RegistryClient` implements :class:`~tui.registry.backend.Registry`.
Plain HTTP is used for loopback hosts and for registries configured insecure;
everything else is HTTPS with certificate verification.

Deleting a single tag is the delicate part: ``DELETE /v2/<name>/manifests/<digest>``
removes *every* tag on that digest. So :meth:`RegistryClient.delete_tag` first
tries the OCI tag delete (``DELETE .../manifests/<tag>``) and, when the
registry refuses it, hands over to :mod:`tui.registry.untag`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from . import mediatypes as mt
from .auth import RegistryAuth
from .credentials import Credentials
from .errors import (
    DigestMismatch,
    ManifestUnknown,
    NotFound,
    ProtocolError,
)
from .manifests import compute_digest, parse_manifest, verify_digest
from .models import DeleteOutcome, DeletePath, Descriptor, ImageIndex, Manifest
from .pagination import next_link
from .reference import DOCKER_HUB, DOCKER_HUB_API, is_loopback, parse_digest
from .transport import Transport, error_for, public_url
from .untag import untag_with_placeholder

__all__ = ["RegistryClient"]

_PAGE_SIZE = 1000
_MAX_PAGES = 100_000
_MANIFEST_HEADERS = {"Accept": mt.ACCEPT_MANIFESTS, "Accept-Encoding": "identity"}
_OK = (200, 201, 202, 204)
_HOSTED_SUFFIXES = (
    "docker.io",
    "ghcr.io",
    "quay.io",
    "gcr.io",
    "pkg.dev",
    "amazonaws.com",
    "azurecr.io",
    "gitlab.com",
)


class RegistryClient:
    """An HTTP registry: one connection pool, bounded concurrency, token cache."""

    def __init__(
        self,
        host: str,
        *,
        credentials: Credentials | None = None,
        insecure: bool = False,
        verify: bool | str = True,
        base_path: str = "",
        timeout: float = 30.0,
        concurrency: int = 8,
        retry_delay: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        read_only: bool = False,
        page_size: int = _PAGE_SIZE,
    ) -> None:
        self.host = host
        self.page_size = min(page_size, _PAGE_SIZE)
        api_host = DOCKER_HUB_API if host == DOCKER_HUB else host
        scheme = "http" if insecure or is_loopback(api_host) else "https"
        base = httpx.URL(f"{scheme}://{api_host}{base_path.rstrip('/')}")
        self._auth = RegistryAuth(base.copy_with(path="/"), credentials)
        self._http = Transport(
            base,
            auth=self._auth,
            verify=verify,
            timeout=timeout,
            concurrency=concurrency,
            retry_delay=retry_delay,
            transport=transport,
            read_only=read_only,
        )
        self._base = base
        self._fetched: dict[tuple[str, str], Manifest] = {}

    @property
    def name(self) -> str:
        """The registry's host as people write it."""
        return self.host

    @property
    def supports_catalog(self) -> bool:
        """Docker Hub has no catalog endpoint; other registries may."""
        return self.host != DOCKER_HUB

    def pull_reference(self, repository: str) -> str:
        """``host/repository``, shortened the docker way for Docker Hub."""
        if self.host == DOCKER_HUB:
            return repository.removeprefix("library/")
        return f"{self.host}/{repository}"

    @property
    def garbage_collection_hint(self) -> str | None:
        """What to run to get disk space back, on a self-hosted CNCF Distribution.

        Distribution (and registries built on it) answer with the
        ``Docker-Distribution-Api-Version`` header; hosted services that send it
        too reclaim space on their own, so they get no hint.
        """
        if self._http.api_version != "registry/2.0" or _hosted(self.host):
            return None
        return (
            "Disk space comes back only after the registry's garbage collection: "
            "on the registry host run 'docker-registry garbage-collect "
            "/etc/docker/registry/config.yml' ('registry garbage-collect ...' in "
            "the upstream image). Avoid --delete-untagged on versions before 3.0: "
            "it also removes the platform images of multi-platform indexes"
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def ping(self) -> None:
        """``GET /v2/``: the registry answers, speaks the API, accepts us."""
        url = self._http.url("/v2/")
        response = await self._http.send("GET", url)
        if response.status_code != 200:
            raise error_for(response, f"{self.host} did not accept the API check")

    async def repositories(self) -> list[str]:
        """Every repository in the catalog, following ``Link`` to the last page."""
        names: list[str] = []
        async for page in self._pages(self._http.url("/v2/_catalog"), "the catalog"):
            entries = page.get("repositories")
            if entries is not None and not isinstance(entries, list):
                raise ProtocolError("the catalog's 'repositories' is not a list")
            names.extend(str(name) for name in entries or [])
        return names

    async def tags(self, repository: str) -> list[str]:
        """Every tag of ``repository``; ``"tags": null`` or no key means none."""
        url = self._http.url(f"/v2/{repository}/tags/list")
        tags: list[str] = []
        async for page in self._pages(url, f"the tags of {repository}"):
            entries = page.get("tags")
            if entries is not None and not isinstance(entries, list):
                raise ProtocolError(f"'tags' of {repository} is not a list")
            tags.extend(str(tag) for tag in entries or [])
        return list(dict.fromkeys(tags))

    async def resolve(self, repository: str, reference: str) -> str:
        """The digest behind a tag: HEAD, or GET and hash when HEAD has no digest."""
        if reference.startswith(("sha256:", "sha512:")):
            return parse_digest(reference)
        url = self._http.url(f"/v2/{repository}/manifests/{reference}")
        response = await self._http.send("HEAD", url, headers=_MANIFEST_HEADERS)
        if response.status_code != 200:
            raise error_for(response, f"{repository}:{reference}")
        digest = response.headers.get("docker-content-digest")
        if digest:
            return parse_digest(digest.strip())
        # The header is only a SHOULD; some registries leave it out.
        return (await self.manifest(repository, reference)).digest

    async def manifest(self, repository: str, reference: str) -> Manifest:
        """GET a manifest; its digest comes from the exact bytes received."""
        cached = self._fetched.get((repository, reference))
        if cached is not None:
            return cached
        url = self._http.url(f"/v2/{repository}/manifests/{reference}")
        response = await self._http.send("GET", url, headers=_MANIFEST_HEADERS)
        if response.status_code != 200:
            raise error_for(
                response, f"{repository}:{reference}".replace(":sha", "@sha")
            )
        raw = response.content
        announced = response.headers.get("docker-content-digest", "").strip()
        by_digest = reference.startswith(("sha256:", "sha512:"))
        algorithm = (reference if by_digest else announced or "sha256").split(":")[0]
        digest = compute_digest(raw, algorithm)
        if by_digest:
            verify_digest(raw, reference, f"manifest {reference}")
        elif announced and announced != digest:
            raise DigestMismatch(
                f"{repository}:{reference} hashes to {digest}, but the registry "
                f"announced {announced}",
                url=public_url(url),
                hint="A proxy may have changed the manifest; deletes are blocked",
            )
        manifest = parse_manifest(raw, digest, response.headers.get("content-type"))
        self._fetched[(repository, digest)] = manifest
        return manifest

    async def blob(self, repository: str, digest: str) -> bytes:
        """GET a blob, following a redirect to storage without our credentials."""
        url = self._http.url(f"/v2/{repository}/blobs/{digest}")
        response = await self._http.send(
            "GET", url, headers={"Accept-Encoding": "identity"}, follow_redirects=True
        )
        if response.status_code != 200:
            raise error_for(response, f"blob {digest} of {repository}")
        return response.content

    async def has_blob(self, repository: str, digest: str) -> bool:
        """HEAD a blob: True when the registry still has it."""
        return await self._exists(f"/v2/{repository}/blobs/{digest}", {})

    async def has_manifest(self, repository: str, digest: str) -> bool:
        """HEAD a manifest by digest: True when the registry still has it."""
        url = f"/v2/{repository}/manifests/{digest}"
        return await self._exists(url, _MANIFEST_HEADERS)

    async def referrers(self, repository: str, digest: str) -> list[Descriptor] | None:
        """The OCI 1.1 referrers of ``digest``; None where the API is missing.

        Registries without the API may keep referrers under the fallback tag
        ``sha256-<hex>``, which :mod:`tui.registry.deletes` reads as a tag.
        """
        url = self._http.url(f"/v2/{repository}/referrers/{digest}")
        response = await self._http.send("GET", url, headers={"Accept": mt.OCI_INDEX})
        if response.status_code in (404, 405):
            return None
        if response.status_code != 200:
            raise error_for(response, f"the referrers of {digest}")
        index = parse_manifest(response.content, "", mt.OCI_INDEX)
        return list(index.manifests) if isinstance(index, ImageIndex) else None

    async def _exists(self, path: str, headers: dict[str, str]) -> bool:
        response = await self._http.send(
            "HEAD", self._http.url(path), headers=headers, follow_redirects=True
        )
        if response.status_code == 200:
            return True
        if response.status_code == 404:
            return False
        raise error_for(response, f"checking {path}")

    async def put_manifest(
        self, repository: str, reference: str, media_type: str, raw: bytes
    ) -> str:
        """PUT manifest bytes under a tag or digest; returns their digest."""
        url = self._http.url(f"/v2/{repository}/manifests/{reference}")
        response = await self._http.send(
            "PUT", url, headers={"Content-Type": media_type}, content=raw
        )
        if response.status_code not in _OK:
            raise error_for(response, f"storing a manifest in {repository}")
        self._fetched.pop((repository, reference), None)
        return compute_digest(raw)

    async def upload_blob(self, repository: str, data: bytes) -> str:
        """Upload ``data`` unless the repository has it already; returns its digest."""
        digest = compute_digest(data)
        url = self._http.url(f"/v2/{repository}/blobs/{digest}")
        head = await self._http.send("HEAD", url)
        if head.status_code == 200:
            return digest
        start = self._http.url(f"/v2/{repository}/blobs/uploads/")
        response = await self._http.send("POST", start, content=b"")
        if response.status_code != 202 or "location" not in response.headers:
            raise error_for(response, f"starting an upload to {repository}")
        location = response.request.url.join(response.headers["location"])
        if (location.scheme, location.host, location.port) != (
            self._base.scheme,
            self._base.host,
            self._base.port,
        ):
            raise ProtocolError(
                "the registry sent the upload to another host; refusing",
                url=public_url(location),
            )
        target = location.copy_merge_params({"digest": digest})
        response = await self._http.send(
            "PUT",
            target,
            headers={"Content-Type": "application/octet-stream"},
            content=data,
        )
        if response.status_code not in _OK:
            raise error_for(response, f"uploading a blob to {repository}")
        return digest

    async def delete_manifest(self, repository: str, digest: str) -> DeleteOutcome:
        """DELETE by digest: the manifest and every tag on it go.

        A 404 for a digest that is already gone counts as done, so that a batch
        that reaches a digest twice does not fail.
        """
        parse_digest(digest)
        url = self._http.url(f"/v2/{repository}/manifests/{digest}")
        response = await self._http.send("DELETE", url)
        self._forget(repository, digest)
        if response.status_code in _OK:
            return DeleteOutcome(DeletePath.DIGEST_DELETE, digest, ())
        error = error_for(response, f"deleting {repository}@{digest}")
        if isinstance(error, ManifestUnknown):
            return DeleteOutcome(
                DeletePath.DIGEST_DELETE, digest, (), note="it was already gone"
            )
        raise error

    async def delete_tag(self, repository: str, tag: str) -> DeleteOutcome:
        """Remove only ``tag``; every other tag on the same digest stays."""
        digest = await self.resolve(repository, tag)
        url = self._http.url(f"/v2/{repository}/manifests/{tag}")
        response = await self._http.send("DELETE", url)
        self._forget(repository, tag)
        if response.status_code in _OK:
            return DeleteOutcome(DeletePath.TAG_DELETE, digest, (tag,))
        error = error_for(response, f"deleting tag {repository}:{tag}")
        # 400 DIGEST_INVALID, 405 and a plain 404 all mean "no tag delete here".
        refused = response.status_code in (400, 405) or (
            isinstance(error, NotFound) and error.code is None
        )
        if not refused:
            raise error
        return await untag_with_placeholder(self, repository, tag, digest)

    def _forget(self, repository: str, reference: str) -> None:
        self._fetched.pop((repository, reference), None)

    async def _pages(self, url: httpx.URL, what: str) -> Any:
        seen: set[str] = set()
        next_url: httpx.URL | None = url.copy_merge_params({"n": str(self.page_size)})
        while next_url is not None and len(seen) < _MAX_PAGES:
            if str(next_url) in seen:
                raise ProtocolError(
                    f"the registry's pages of {what} loop", url=public_url(next_url)
                )
            seen.add(str(next_url))
            response = await self._http.send(
                "GET", next_url, headers={"Accept": "application/json"}
            )
            if response.status_code != 200:
                raise error_for(response, f"listing {what}")
            yield _json_object(response, what)
            next_url = next_link(response, self._base)


def _hosted(host: str) -> bool:
    name = host.split(":")[0]
    return name == DOCKER_HUB or name.endswith(_HOSTED_SUFFIXES)


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        document = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        excerpt = " ".join(response.text[:80].split())
        raise ProtocolError(
            f"{what}: the registry answered with something not JSON ({excerpt!r})",
            status=response.status_code,
            url=public_url(response.request.url),
            hint="A proxy in front of the registry may be answering instead",
        ) from None
    if not isinstance(document, dict):
        raise ProtocolError(
            f"{what}: the registry's answer is not a JSON object",
            url=public_url(response.request.url),
        )
    return document
