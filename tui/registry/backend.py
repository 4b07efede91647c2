"""The one interface every registry source implements.

An HTTP registry (:class:`tui.registry.client.RegistryClient`) and a directory of
OCI image layouts (:class:`tui.registry.ocilayout.LayoutRegistry`) both offer
these methods, so the UI, the CLI and :mod:`tui.registry.images` never need to
know which one they talk to.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .models import DeleteOutcome, Manifest

__all__ = ["Registry"]


@runtime_checkable
class Registry(Protocol):
    """A source of repositories, tags, manifests and blobs."""

    @property
    def name(self) -> str:
        """How the registry is shown to people: ``127.0.0.1:5000``, ``oci:/path``."""
        ...

    @property
    def supports_catalog(self) -> bool:
        """Whether :meth:`repositories` can list repositories at all."""
        ...

    def pull_reference(self, repository: str) -> str:
        """The name to pull ``repository`` by, as in ``host:port/repo``."""
        ...

    async def ping(self) -> None:
        """Check that the registry answers and that the credentials work."""
        ...

    async def repositories(self) -> list[str]:
        """Every repository name, all pages followed."""
        ...

    async def tags(self, repository: str) -> list[str]:
        """Every tag of ``repository``; an empty list when it has none."""
        ...

    async def resolve(self, repository: str, reference: str) -> str:
        """The digest a tag (or digest) points at, as cheaply as possible."""
        ...

    async def manifest(self, repository: str, reference: str) -> Manifest:
        """The manifest under a tag or digest, verified against its digest."""
        ...

    async def blob(self, repository: str, digest: str) -> bytes:
        """A blob's bytes (used for small blobs such as image configs)."""
        ...

    async def has_blob(self, repository: str, digest: str) -> bool:
        """Whether the repository still holds the blob ``digest``."""
        ...

    async def has_manifest(self, repository: str, digest: str) -> bool:
        """Whether the repository still holds the manifest ``digest``."""
        ...

    async def put_manifest(
        self, repository: str, reference: str, media_type: str, raw: bytes
    ) -> str:
        """Store manifest bytes under a tag or digest; returns the digest."""
        ...

    async def delete_manifest(self, repository: str, digest: str) -> DeleteOutcome:
        """Delete a manifest by digest, and with it every tag pointing at it."""
        ...

    async def delete_tag(self, repository: str, tag: str) -> DeleteOutcome:
        """Remove one tag and nothing else; other tags on its digest survive."""
        ...

    async def aclose(self) -> None:
        """Release connections and files."""
        ...
