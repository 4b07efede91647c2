"""Errors raised by the registry core.

Everything the core raises on purpose derives from :class:`RegistryError`, so the
CLI and the UI catch exactly one type. Each error carries what a person needs to
act: the HTTP status, the registry's own error code, the URL (never with
credentials in it) and a hint saying what to try next.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AccessDenied",
    "AuthenticationFailed",
    "DeleteUnsupported",
    "DigestMismatch",
    "InvalidReference",
    "ManifestUnknown",
    "NotFound",
    "ProtocolError",
    "RateLimited",
    "RegistryError",
    "RegistryUnreachable",
    "RepositoryUnknown",
    "ServerError",
    "UnsafeDelete",
]


@dataclass
class RegistryError(Exception):
    """The root of every error the registry core raises on purpose."""

    message: str
    status: int | None = None
    code: str | None = None
    url: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.message]
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.code:
            details.append(self.code)
        if self.url:
            details.append(self.url)
        if details:
            parts.append(f"({', '.join(details)})")
        text = " ".join(parts)
        if self.hint:
            text = f"{text}. {self.hint}"
        return text


class InvalidReference(RegistryError):
    """An image reference, repository name, tag or digest that does not parse."""


class RegistryUnreachable(RegistryError):
    """No HTTP answer at all: DNS, refused connection, TLS failure, time-out."""


class AuthenticationFailed(RegistryError):
    """401: no credentials, wrong credentials, or a token the registry refused."""


class AccessDenied(RegistryError):
    """403: the credentials are valid but do not allow this action."""


class NotFound(RegistryError):
    """404 on a path the registry serves."""


class RepositoryUnknown(NotFound):
    """404 NAME_UNKNOWN: the repository does not exist (or has no tags left)."""


class ManifestUnknown(NotFound):
    """404 MANIFEST_UNKNOWN: no manifest under that tag or digest."""


class DeleteUnsupported(RegistryError):
    """The registry refuses deletes (405 UNSUPPORTED, or a read-only backend)."""


class RateLimited(RegistryError):
    """429 after the bounded retries ran out."""

    retry_after: float | None = None


class ServerError(RegistryError):
    """5xx after the bounded retries ran out."""


class ProtocolError(RegistryError):
    """The registry answered, but not with something the API allows."""


class DigestMismatch(ProtocolError):
    """Content does not hash to the digest it was asked for or announced with."""


class UnsafeDelete(RegistryError):
    """A delete was refused because it would take more with it than was asked."""
