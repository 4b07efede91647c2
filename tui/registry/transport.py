"""One HTTP connection pool per registry: limits, retries and error mapping.

:class:`Transport` owns the registry's ``httpx.AsyncClient`` (keep-alive, time-
outs, a User-Agent, TLS verification on unless told otherwise) and a semaphore
that bounds the requests in flight. Idempotent requests (GET, HEAD) are retried
a few times on 429, 502, 503 and 504, honouring ``Retry-After``; nothing that
changes the registry is ever retried. Every failure becomes a
:class:`~tui.registry.errors.RegistryError` that names the status, the
registry's error code, the URL (without query or credentials) and a hint.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import ssl
from collections.abc import Mapping
from typing import Any

import httpx

from .. import __version__
from .errors import (
    AccessDenied,
    AuthenticationFailed,
    DeleteUnsupported,
    ManifestUnknown,
    NotFound,
    ProtocolError,
    RateLimited,
    RegistryError,
    RegistryUnreachable,
    RepositoryUnknown,
    ServerError,
)
from .readonly import refuse_mutation

__all__ = ["Transport", "error_for", "public_url"]

log = logging.getLogger(__name__)

USER_AGENT = f"tagyard/{__version__}"
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD"})
_MAX_RETRY_AFTER = 10.0
_EXCERPT = 160


class Transport:
    """The HTTP side of one registry: send a request, get a response or an error."""

    def __init__(
        self,
        base_url: httpx.URL,
        *,
        auth: httpx.Auth | None = None,
        verify: bool | str = True,
        timeout: float = 30.0,
        concurrency: int = 8,
        retries: int = 3,
        retry_delay: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        read_only: bool = False,
    ) -> None:
        self.base_url = base_url
        self.read_only = read_only
        self.api_version: str | None = None
        self.retries = retries
        self.retry_delay = retry_delay
        self._slots = asyncio.Semaphore(concurrency)
        self._http = httpx.AsyncClient(
            auth=auth,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=concurrency * 2),
            transport=transport,
            trust_env=True,
            event_hooks={"request": [refuse_mutation] if read_only else []},
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def url(self, path: str) -> httpx.URL:
        """The absolute URL of an API path such as ``/v2/_catalog``."""
        prefix = self.base_url.path.rstrip("/")
        return self.base_url.copy_with(path=f"{prefix}{path}", query=None)

    async def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Response:
        """Send one request; retry idempotent ones on transient answers."""
        attempts = self.retries if method in _IDEMPOTENT else 1
        for attempt in range(1, attempts + 1):
            try:
                async with self._slots:
                    response = await self._http.request(
                        method,
                        url,
                        headers=headers,
                        content=content,
                        follow_redirects=follow_redirects,
                    )
            except httpx.TimeoutException as error:
                if attempt < attempts:
                    await asyncio.sleep(self.retry_delay * attempt)
                    continue
                raise _unreachable(error, url, "timed out") from None
            except httpx.TransportError as error:
                raise _unreachable(error, url, "could not be reached") from None
            log.debug("%s %s -> %s", method, public_url(url), response.status_code)
            version = response.headers.get("docker-distribution-api-version")
            if version and url.host == self.base_url.host:
                self.api_version = version
            if response.status_code in _RETRY_STATUSES and attempt < attempts:
                await asyncio.sleep(self._delay(response, attempt))
                continue
            return response
        raise AssertionError("unreachable: the loop always returns or raises")

    def _delay(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("retry-after", "")
        if header.strip().isdigit():
            return min(float(header), _MAX_RETRY_AFTER)
        return float(self.retry_delay * 2 ** (attempt - 1))


def public_url(url: httpx.URL) -> str:
    """``url`` without credentials, query or fragment, safe to show and log."""
    return str(url.copy_with(username=None, password=None, query=None, fragment=None))


def error_for(response: httpx.Response, what: str) -> RegistryError:
    """The error to raise for an unsuccessful ``response`` to ``what``."""
    status = response.status_code
    url = public_url(response.request.url)
    code, message = _error_body(response)
    detail = f"{what}: {message}" if message else what

    if status == 401:
        return AuthenticationFailed(
            f"{detail} (not authorized)",
            status,
            code,
            url,
            "Log in with 'docker login' or add credentials for this registry to "
            "tagyard's config file",
        )
    if status == 403:
        return AccessDenied(
            f"{detail} (access denied)",
            status,
            code,
            url,
            "The credentials are valid but lack permission for this action",
        )
    if status == 404:
        if code == "NAME_UNKNOWN":
            return RepositoryUnknown(
                detail,
                status,
                code,
                url,
                "Check the repository name; an emptied "
                "repository can also answer like this",
            )
        if code == "MANIFEST_UNKNOWN":
            return ManifestUnknown(detail, status, code, url, "Check the tag or digest")
        if code is None and response.request.method == "HEAD":
            # A HEAD answer has no body to tell "no such tag" from "no such
            # endpoint"; on a manifest path it is almost always the former.
            path = response.request.url.path
            if "/manifests/" in path:
                return ManifestUnknown(
                    f"{what}: not found", status, code, url, "Check the tag or digest"
                )
            return NotFound(f"{what}: not found", status, code, url)
        if code is None:
            return NotFound(
                f"{detail} (the registry does not serve this path)",
                status,
                code,
                url,
                "The registry or a proxy in front of it does not support this endpoint",
            )
        return NotFound(detail, status, code, url)
    if status == 405 and response.request.method == "DELETE":
        return DeleteUnsupported(
            f"{detail} (deletes are disabled on this registry)",
            status,
            code,
            url,
            "On CNCF Distribution set storage.delete.enabled: true (or "
            "REGISTRY_STORAGE_DELETE_ENABLED=true) on the registry itself; pull-"
            "through caches and Docker Hub refuse deletes through this API",
        )
    if status == 429:
        error = RateLimited(
            f"{detail} (rate limited)",
            status,
            code,
            url,
            "The registry limits requests; wait a little and try again",
        )
        return error
    if status >= 500:
        return ServerError(
            f"{detail} (server error)",
            status,
            code,
            url,
            "The registry or a proxy in front of it failed; try again later",
        )
    return RegistryError(detail, status, code, url)


def _error_body(response: httpx.Response) -> tuple[str | None, str]:
    content_type = response.headers.get("content-type", "")
    text = response.text if response.content else ""
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            document: Any = response.json()
        except ValueError:
            document = None
        errors = document.get("errors") if isinstance(document, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            code = first.get("code")
            message = first.get("message")
            return (
                str(code) if code else None,
                str(message) if message else "",
            )
    return None, _excerpt(text, content_type)


def _excerpt(text: str, content_type: str) -> str:
    if not text.strip():
        return ""
    if "html" in content_type or text.lstrip().lower().startswith(
        ("<!doctype", "<html")
    ):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
        text = html.unescape(text)
    text = " ".join(text.split())
    if len(text) > _EXCERPT:
        text = text[: _EXCERPT - 1] + "…"
    return f"the registry answered {text!r}"


def _unreachable(error: Exception, url: httpx.URL, verb: str) -> RegistryError:
    host = url.netloc.decode("ascii", "replace")
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ssl.SSLError) or "SSL" in str(error) or "TLS" in str(error):
        hint = (
            f"If {host} speaks plain HTTP, mark it insecure (--insecure, or "
            "insecure = true in tagyard's config); for a private CA set its "
            "certificate bundle in the config"
        )
        return RegistryUnreachable(
            f"TLS handshake with {host} failed ({_reason(error)})",
            url=public_url(url),
            hint=hint,
        )
    return RegistryUnreachable(
        f"{host} {verb} ({_reason(error)})",
        url=public_url(url),
        hint="Check the host name, the port and that the registry is running",
    )


def _reason(error: Exception) -> str:
    text = str(error).strip() or error.__class__.__name__
    return text if len(text) <= 120 else text[:119] + "…"


def ensure_protocol(condition: bool, message: str, url: httpx.URL) -> None:
    """Raise :class:`ProtocolError` naming ``url`` unless ``condition`` holds."""
    if not condition:
        raise ProtocolError(message, url=public_url(url))
