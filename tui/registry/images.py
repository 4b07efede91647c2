"""Resolving tags into images with sizes, dates and platforms.

:class:`Inspector` sits on top of any :class:`~tui.registry.backend.Registry`.
Manifests and configs fetched by digest are immutable, so it caches them per
registry; tags are resolved once each, and each distinct digest is fetched once
even when many tags share it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from datetime import datetime
from typing import Any, TypeVar

from . import mediatypes as mt
from .backend import Registry
from .errors import NotFound, ProtocolError, RepositoryUnknown
from .manifests import parse_config, verify_digest
from .models import (
    Descriptor,
    Image,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Manifest,
    Platform,
    PlatformImage,
    TaggedImage,
)
from .reference import short_digest

__all__ = ["Inspector", "Progress"]

_T = TypeVar("_T")

Progress = Callable[[int, int], None]
"""Called with (done, total) while many tags are being resolved."""

_IMAGE_CONFIG_TYPES = frozenset({mt.OCI_CONFIG, mt.DOCKER_CONFIG})


class Inspector:
    """Turns tags and digests of one registry into :class:`Image` objects."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        # Fetches by digest are shared: many tags on one image, resolved at
        # the same time, cost one request, not one each.
        self._manifests: dict[tuple[str, str], asyncio.Future[Manifest]] = {}
        self._configs: dict[tuple[str, str], asyncio.Future[ImageConfig]] = {}
        self._images: dict[tuple[str, str], asyncio.Future[Image]] = {}
        self._by_tag: dict[str, dict[str, str]] = {}

    def forget(self, repository: str) -> None:
        """Drop what is cached for ``repository``, after something changed it."""
        self._by_tag.pop(repository, None)
        for cache in (self._manifests, self._images):
            for key in [k for k in cache if k[0] == repository]:
                del cache[key]

    async def manifest(self, repository: str, reference: str) -> Manifest:
        """A manifest by tag or digest; by-digest results are cached."""
        if not reference.startswith(("sha256:", "sha512:")):
            manifest = await self.registry.manifest(repository, reference)
            done = asyncio.get_running_loop().create_future()
            done.set_result(manifest)
            self._manifests.setdefault((repository, manifest.digest), done)
            return manifest
        return await _shared(
            self._manifests,
            (repository, reference),
            lambda: self.registry.manifest(repository, reference),
        )

    async def config(self, repository: str, descriptor: Descriptor) -> ImageConfig:
        """The image config a manifest points at, verified and cached."""

        async def fetch() -> ImageConfig:
            raw = await self.registry.blob(repository, descriptor.digest)
            verify_digest(raw, descriptor.digest, "image config")
            return parse_config(raw)

        return await _shared(self._configs, (repository, descriptor.digest), fetch)

    async def image(self, repository: str, reference: str) -> Image:
        """Resolve a tag or digest into an :class:`Image`."""
        manifest = await self.manifest(repository, reference)
        return await _shared(
            self._images,
            (repository, manifest.digest),
            lambda: self._build_image(repository, manifest),
        )

    async def tagged_images(
        self,
        repository: str,
        progress: Progress | None = None,
        *,
        catalogued: bool = False,
    ) -> list[TaggedImage]:
        """Every tag of ``repository`` with its image, in tag order.

        A tag that vanished or holds something unreadable gets an ``error``
        instead of an image; failures that concern the whole registry
        (authentication, connection) are raised. With ``catalogued``, the name
        came from the registry's own catalog, so NAME_UNKNOWN means a
        repository whose tags were all deleted: it has no tags.
        """
        self._by_tag.pop(repository, None)
        try:
            tags = sorted(await self.registry.tags(repository))
        except RepositoryUnknown:
            if not catalogued:
                raise
            tags = []
        entries = await self.resolve_tags(repository, tags, progress)
        self._by_tag[repository] = {e.tag: e.image.digest for e in entries if e.image}
        return entries

    async def resolve_tags(
        self, repository: str, tags: list[str], progress: Progress | None = None
    ) -> list[TaggedImage]:
        """Resolve the given tags of ``repository`` (see :meth:`tagged_images`)."""
        done = 0
        total = len(tags)

        async def one(tag: str) -> TaggedImage:
            nonlocal done
            try:
                digest = await self.registry.resolve(repository, tag)
                entry = TaggedImage(tag, await self.image(repository, digest))
            except (NotFound, ProtocolError) as error:
                entry = TaggedImage(tag, None, str(error))
            # Counted only when a tag is settled: a cancelled load reports
            # nothing more.
            done += 1
            if progress is not None:
                progress(done, total)
            return entry

        return list(await asyncio.gather(*(one(tag) for tag in tags)))

    async def digests_by_tag(self, repository: str) -> dict[str, str]:
        """Every tag of ``repository`` with the digest it points at.

        The answer is kept until :meth:`forget` is called for the repository,
        so that planning many deletes in one repository reads its tags once.
        """
        if repository in self._by_tag:
            return dict(self._by_tag[repository])
        tags = await self.registry.tags(repository)
        digests = await asyncio.gather(
            *(self.registry.resolve(repository, tag) for tag in tags),
            return_exceptions=True,
        )
        result: dict[str, str] = {}
        for tag, digest in zip(tags, digests, strict=True):
            if isinstance(digest, NotFound):
                continue
            if isinstance(digest, BaseException):
                raise digest
            result[tag] = digest
        self._by_tag[repository] = result
        return dict(result)

    async def tags_sharing(self, repository: str, digest: str) -> list[str]:
        """The tags of ``repository`` that currently point at ``digest``."""
        by_tag = await self.digests_by_tag(repository)
        return sorted(tag for tag, value in by_tag.items() if value == digest)

    async def _build_image(self, repository: str, manifest: Manifest) -> Image:
        if isinstance(manifest, ImageManifest):
            platform = await self._platform_image(repository, manifest, None)
            return Image(
                digest=manifest.digest,
                media_type=manifest.media_type,
                size=manifest.size,
                created=platform.created,
                platforms=(platform,) if platform.platform else (),
                manifest=manifest,
            )
        return await self._build_index(repository, manifest)

    async def _build_index(self, repository: str, index: ImageIndex) -> Image:
        children = await asyncio.gather(
            *(self._child(repository, entry) for entry in index.manifests)
        )
        runnable = {entry.digest for entry in index.platform_entries}
        platforms = []
        blobs: dict[str, int] = {}
        warnings = []
        for entry, child in zip(index.manifests, children, strict=True):
            if len(child.raw) != entry.size:
                # Old manifest tooling wrote wrong sizes; containerd refuses them.
                warnings.append(
                    f"the index declares {entry.size} bytes for "
                    f"{short_digest(entry.digest)}, but that manifest has "
                    f"{len(child.raw)}"
                )
            if isinstance(child, ImageManifest):
                for blob in child.blobs():
                    blobs.setdefault(blob.digest, blob.size)
                if entry.digest in runnable:
                    platforms.append(
                        await self._platform_image(repository, child, entry.platform)
                    )
            elif isinstance(child, ImageIndex):
                nested = await self.image(repository, child.digest)
                platforms.extend(nested.platforms)
                blobs.setdefault(child.digest, nested.size)
        return Image(
            digest=index.digest,
            media_type=index.media_type,
            size=sum(blobs.values()),
            created=_newest(p.created for p in platforms),
            platforms=tuple(platforms),
            manifest=index,
            attestations=index.attestation_entries,
            warnings=tuple(warnings),
        )

    async def _child(self, repository: str, entry: Descriptor) -> Manifest:
        try:
            return await self.manifest(repository, entry.digest)
        except NotFound as error:
            raise ProtocolError(
                f"index entry {entry.digest} is missing from {repository}",
                hint="The index references a manifest the registry no longer has",
            ) from error

    async def _platform_image(
        self,
        repository: str,
        manifest: ImageManifest,
        declared: Platform | None,
    ) -> PlatformImage:
        config = None
        if manifest.config.media_type in _IMAGE_CONFIG_TYPES:
            try:
                config = await self.config(repository, manifest.config)
            except (NotFound, ProtocolError):
                # An image whose config is gone or unreadable still lists; it
                # only lacks a creation date and platform details.
                config = None
        platform = declared
        if platform is None and config is not None and config.os:
            platform = Platform(
                config.os, config.architecture or "unknown", config.variant
            )
        return PlatformImage(
            platform=platform,
            digest=manifest.digest,
            size=manifest.size,
            created=config.created if config else None,
            manifest=manifest,
            config=config,
        )


async def _shared(
    cache: dict[tuple[str, str], asyncio.Future[_T]],
    key: tuple[str, str],
    make: Callable[[], Coroutine[Any, Any, _T]],
) -> _T:
    """Run ``make`` once per key; every caller awaits the same result.

    A failed fetch leaves the cache so that the next caller tries again. The
    shared work is shielded: one caller giving up (a UI worker cancelled by
    navigation) does not cancel it for the others.
    """
    future = cache.get(key)
    if future is None:
        future = asyncio.ensure_future(make())
        cache[key] = future

        def settle(done: asyncio.Future[_T]) -> None:
            failed = done.cancelled() or done.exception() is not None
            if failed and cache.get(key) is done:
                del cache[key]

        future.add_done_callback(settle)
    return await asyncio.shield(future)


def _newest(values: Iterable[datetime | None]) -> datetime | None:
    real = [value for value in values if value is not None]
    return max(real) if real else None
