"""From what a person types to an open registry.

``host[:port]``, ``host[:port]/repo[:tag][@digest]`` and ``docker.io/...`` open
an HTTP registry with credentials from tagyard's config or docker's
``config.json``. ``oci:PATH`` opens a directory of OCI image layouts;
``oci:PATH/repo:tag`` (skopeo's spelling) names one layout and a tag in it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .registry.backend import Registry
from .registry.client import RegistryClient
from .registry.credentials import lookup_docker_credentials
from .registry.ocilayout import LayoutRegistry
from .registry.readonly import ReadOnlyRegistry
from .registry.reference import (
    ImageRef,
    normalize_host,
    parse_digest,
    parse_reference,
    validate_tag,
)

__all__ = ["Target", "open_registry", "parse_target"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """A registry to open, and optionally a repository and a tag or digest in it."""

    registry: str
    repository: str | None = None
    tag: str | None = None
    digest: str | None = None
    layout: Path | None = None

    @property
    def reference(self) -> str | None:
        """The digest if given, else the tag."""
        return self.digest or self.tag


def parse_target(text: str, *, registry_only: bool = False) -> Target:
    """Parse a registry, repository or image reference (see the module docstring)."""
    if text.startswith("oci:"):
        return _layout_target(text[4:])
    text = text.strip()
    for scheme in ("docker://", "https://", "http://"):
        # People paste URLs and skopeo transports; the scheme of a registry is
        # decided by its host and the insecure setting, not by the text.
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    if registry_only or "/" not in text.strip().rstrip("/"):
        return Target(normalize_host(text))
    ref: ImageRef = parse_reference(text)
    return Target(ref.registry, ref.repository, ref.tag, ref.digest)


def open_registry(
    target: Target,
    config: Config,
    *,
    insecure: bool = False,
    read_only: bool = False,
    warn: list[str] | None = None,
) -> Registry:
    """Open the registry a :class:`Target` names, with its configured settings.

    With ``read_only`` (or ``read_only = true`` in the config) the registry
    refuses every write, and its HTTP client cannot send one.
    """
    read_only = read_only or config.read_only
    if target.layout is not None:
        layout = LayoutRegistry(target.layout)
        return ReadOnlyRegistry(layout) if read_only else layout
    settings = config.settings_for(target.registry)
    credentials = settings.credentials if settings else None
    if credentials is None:
        lookup = lookup_docker_credentials(target.registry)
        credentials = lookup.credentials
        if lookup.warning:
            log.warning("%s", lookup.warning)
            if warn is not None:
                warn.append(lookup.warning)
    client = RegistryClient(
        target.registry,
        credentials=credentials,
        insecure=insecure or bool(settings and settings.insecure),
        verify=settings.verify if settings else True,
        read_only=read_only,
    )
    return ReadOnlyRegistry(client) if read_only else client


def _layout_target(path_text: str) -> Target:
    digest = None
    if "@" in path_text:
        path_text, digest_text = path_text.rsplit("@", 1)
        digest = parse_digest(digest_text)
    tag = None
    colon = path_text.rfind(":")
    if colon > path_text.rfind("/") and colon > 1:
        path_text, tag = path_text[:colon], validate_tag(path_text[colon + 1 :])
    path = Path(path_text).expanduser()
    single = (path / "oci-layout").is_file()
    repository = path.name if single else None
    return Target(f"oci:{path}", repository, tag, digest, layout=path)
