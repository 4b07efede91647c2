"""Image references, parsed the way the docker CLI parses them.

``host[:port]/path/name[:tag][@digest]``. The first component names a registry
only when it contains ``.`` or ``:``, is ``localhost``, or has an upper-case
letter; otherwise the reference lives on Docker Hub. Hub's aliases all map to
the API host ``registry-1.docker.io``, and one-component Hub names get the
implicit ``library/``. Host names are lower-cased; repository paths never are
(upper case in a path is an error, as in docker).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from .errors import InvalidReference

__all__ = [
    "DOCKER_HUB",
    "ImageRef",
    "is_loopback",
    "normalize_host",
    "parse_digest",
    "parse_reference",
    "parse_repository",
    "short_digest",
    "validate_tag",
]

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
_HUB_ALIASES = {
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
}

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([A-Za-z0-9=_-]+)")
_HOSTNAME = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
    r"(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*"
)
_HEX_LENGTHS = {"sha256": 64, "sha512": 128}
_MAX_NAME = 255


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference.

    ``registry`` is the canonical host as shown to people (``docker.io`` for
    Hub); :attr:`api_host` is where requests go.
    """

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def api_host(self) -> str:
        """The host[:port] that serves the registry API."""
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    @property
    def name(self) -> str:
        """``registry/repository``, without tag or digest."""
        return f"{self.registry}/{self.repository}"

    def with_tag(self, tag: str) -> ImageRef:
        """The same repository at another tag (and no digest)."""
        return ImageRef(self.registry, self.repository, validate_tag(tag), None)

    def with_digest(self, digest: str) -> ImageRef:
        """The same repository pinned to a digest (and no tag)."""
        return ImageRef(self.registry, self.repository, None, parse_digest(digest))

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def is_loopback(host: str) -> bool:
    """Whether ``host`` (with or without a port) is this machine.

    Loopback registries are spoken to over plain HTTP, as docker does.
    """
    name = _split_port(host)[0].strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def normalize_host(host: str) -> str:
    """Validate a ``host[:port]`` and return it lower-cased, Hub aliases folded.

    IPv6 literals must be bracketed (``[fd00::5]:5000``), as in docker.
    """
    text = host.strip()
    for prefix in ("https://", "http://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("/")
    name, port = _split_port(text)
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise InvalidReference(
            f"invalid port in registry host {host!r}",
            hint="A port is a number from 1 to 65535",
        )
    if name.startswith("["):
        try:
            ipaddress.IPv6Address(name[1:-1])
        except ValueError:
            raise InvalidReference(f"invalid IPv6 address in {host!r}") from None
    elif not _HOSTNAME.fullmatch(name):
        hint = None
        if name.count(":") > 1:
            hint = "Put an IPv6 address in brackets, as in [fd00::5]:5000"
        raise InvalidReference(f"invalid registry host {host!r}", hint=hint)
    lowered = name.lower()
    if lowered in _HUB_ALIASES and port is None:
        return DOCKER_HUB
    return lowered if port is None else f"{lowered}:{port}"


def parse_digest(text: str) -> str:
    """Check a digest's grammar (and its length for sha256/sha512)."""
    match = _DIGEST.fullmatch(text)
    if not match:
        raise InvalidReference(
            f"invalid digest {text!r}",
            hint="A digest looks like sha256: followed by 64 hex digits",
        )
    algorithm, encoded = match.groups()
    expected = _HEX_LENGTHS.get(algorithm)
    if expected is not None and not re.fullmatch(rf"[a-f0-9]{{{expected}}}", encoded):
        raise InvalidReference(
            f"invalid {algorithm} digest {text!r}",
            hint=f"A {algorithm} digest has {expected} lower-case hex digits",
        )
    return text


def short_digest(digest: str) -> str:
    """``sha256:`` and the first 12 hex digits, as docker shows image IDs."""
    algorithm, _, encoded = digest.partition(":")
    return f"{algorithm}:{encoded[:12]}"


def validate_tag(tag: str) -> str:
    """Check a tag's grammar: up to 128 of ``[A-Za-z0-9_.-]``, no leading . or -."""
    if not _TAG.fullmatch(tag):
        raise InvalidReference(
            f"invalid tag {tag!r}",
            hint="A tag has up to 128 letters, digits, '_', '.' or '-', "
            "and does not start with '.' or '-'",
        )
    return tag


def parse_repository(text: str, default_registry: str = DOCKER_HUB) -> ImageRef:
    """Parse ``[host/]path`` with no tag or digest allowed."""
    ref = parse_reference(text, default_registry)
    if ref.tag or ref.digest:
        raise InvalidReference(
            f"expected a repository, not an image reference: {text!r}",
            hint="Leave out the :tag and @digest",
        )
    return ref


def parse_reference(text: str, default_registry: str = DOCKER_HUB) -> ImageRef:
    """Parse an image reference the way docker does.

    Raises :class:`InvalidReference` naming the part that is wrong.
    """
    original = text
    text = text.strip()
    if not text:
        raise InvalidReference("empty image reference")

    digest = None
    if "@" in text:
        text, digest_text = text.split("@", 1)
        digest = parse_digest(digest_text)

    registry, remainder = _split_registry(text, default_registry)

    tag = None
    last_slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > last_slash:
        remainder, tag = remainder[:colon], validate_tag(remainder[colon + 1 :])

    path = remainder
    if not path:
        raise InvalidReference(f"no repository name in {original!r}")
    for component in path.split("/"):
        if not _COMPONENT.fullmatch(component):
            hint = None
            if component.lower() != component:
                hint = "Repository names are lower case"
            raise InvalidReference(
                f"invalid repository name component {component!r} in {original!r}",
                hint=hint
                or "Use lower-case letters, digits and single '.', '_' or '-' between "
                "them",
            )
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    if len(f"{registry}/{path}") > _MAX_NAME:
        raise InvalidReference(f"repository name longer than {_MAX_NAME} characters")
    return ImageRef(registry, path, tag, digest)


def _split_registry(text: str, default_registry: str) -> tuple[str, str]:
    first, sep, rest = text.partition("/")
    if sep and (
        "." in first or ":" in first or first == "localhost" or first.lower() != first
    ):
        return normalize_host(first), rest
    return normalize_host(default_registry), text


def _split_port(text: str) -> tuple[str, str | None]:
    if text.startswith("["):
        end = text.find("]")
        if end == -1:
            return text, None
        name, rest = text[: end + 1], text[end + 1 :]
        return (name, rest[1:]) if rest.startswith(":") else (name, None)
    if text.count(":") == 1:
        name, port = text.split(":")
        return name, port
    return text, None
