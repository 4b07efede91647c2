"""Read-only mode, enforced where requests leave the process.

:func:`refuse_mutation` is installed as a request hook on a registry's httpx
client and refuses every PUT, POST, PATCH and DELETE before it reaches the
network, whichever code path built the request (token exchanges that would
POST included). :class:`ReadOnlyRegistry` wraps any registry backend, so that
backends without HTTP, such as OCI layouts, refuse writes the same way.
"""

from __future__ import annotations

import httpx

from .backend import Registry
from .errors import RegistryError
from .models import DeleteOutcome, Descriptor, Manifest

__all__ = ["MUTATING_METHODS", "ReadOnlyError", "ReadOnlyRegistry", "refuse_mutation"]

MUTATING_METHODS = frozenset({"PUT", "POST", "PATCH", "DELETE"})
_HINT = "tagyard runs read-only (--read-only or read_only = true in the config)"


class ReadOnlyError(RegistryError):
    """A change was attempted while tagyard runs read-only."""


async def refuse_mutation(request: httpx.Request) -> None:
    """An httpx request hook that stops PUT, POST, PATCH and DELETE from leaving.

    httpx calls request hooks for every request it sends, including token
    exchanges made by the auth flow and redirect hops, whatever transport or
    proxy carries them.
    """
    if request.method.upper() in MUTATING_METHODS:
        raise ReadOnlyError(
            f"refused to send {request.method} in read-only mode",
            url=str(request.url.copy_with(query=None)),
            hint=_HINT,
        )


class ReadOnlyRegistry:
    """Any registry, with every write refused before it starts."""

    def __init__(self, inner: Registry) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        """The wrapped registry's name."""
        return self.inner.name

    @property
    def supports_catalog(self) -> bool:
        """Whether the wrapped registry lists repositories."""
        return self.inner.supports_catalog

    def pull_reference(self, repository: str) -> str:
        """The wrapped registry's pull name for ``repository``."""
        return self.inner.pull_reference(repository)

    async def ping(self) -> None:
        """Check the wrapped registry."""
        await self.inner.ping()

    async def repositories(self) -> list[str]:
        """The wrapped registry's repositories."""
        return await self.inner.repositories()

    async def tags(self, repository: str) -> list[str]:
        """The wrapped registry's tags."""
        return await self.inner.tags(repository)

    async def resolve(self, repository: str, reference: str) -> str:
        """Resolve through the wrapped registry."""
        return await self.inner.resolve(repository, reference)

    async def manifest(self, repository: str, reference: str) -> Manifest:
        """Read a manifest from the wrapped registry."""
        return await self.inner.manifest(repository, reference)

    async def blob(self, repository: str, digest: str) -> bytes:
        """Read a blob from the wrapped registry."""
        return await self.inner.blob(repository, digest)

    async def has_blob(self, repository: str, digest: str) -> bool:
        """Ask the wrapped registry for a blob."""
        return await self.inner.has_blob(repository, digest)

    async def has_manifest(self, repository: str, digest: str) -> bool:
        """Ask the wrapped registry for a manifest."""
        return await self.inner.has_manifest(repository, digest)

    async def referrers(self, repository: str, digest: str) -> list[Descriptor] | None:
        """The wrapped registry's referrers of ``digest``, where it can list them."""
        lister = getattr(self.inner, "referrers", None)
        if lister is None:
            return None
        found: list[Descriptor] | None = await lister(repository, digest)
        return found

    async def untagged(self, repository: str) -> list[str] | None:
        """The wrapped registry's untagged manifests, where it can list them."""
        lister = getattr(self.inner, "untagged", None)
        if lister is None:
            return None
        found: list[str] = await lister(repository)
        return found

    async def put_manifest(
        self, repository: str, reference: str, media_type: str, raw: bytes
    ) -> str:
        """Refused: read-only."""
        raise ReadOnlyError(f"refused to store {repository}:{reference}", hint=_HINT)

    async def delete_manifest(self, repository: str, digest: str) -> DeleteOutcome:
        """Refused: read-only."""
        raise ReadOnlyError(f"refused to delete {repository}@{digest}", hint=_HINT)

    async def delete_tag(self, repository: str, tag: str) -> DeleteOutcome:
        """Refused: read-only."""
        raise ReadOnlyError(f"refused to delete {repository}:{tag}", hint=_HINT)

    async def aclose(self) -> None:
        """Close the wrapped registry."""
        await self.inner.aclose()
