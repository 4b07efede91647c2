"""Registry authentication as an ``httpx.Auth`` flow.

The flow sends a request as it is (or with a token cached for its scope); on a
401 it reads the ``WWW-Authenticate`` challenges, fetches a Bearer token for the
scope the registry names, and retries once. A registry that asks for Basic gets
Basic from then on. Tokens are cached per scope until shortly before they
expire.

Credentials are only ever attached to requests for the registry's own origin
and to its token realm; a pagination link or redirect to another host never
carries them.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from .credentials import Credentials
from .errors import AuthenticationFailed, ProtocolError
from .manifests import parse_datetime
from .reference import is_loopback

__all__ = ["Challenge", "RegistryAuth", "Token", "parse_challenges"]

_DEFAULT_LIFETIME = 60.0
_REFRESH_MARGIN = 10.0
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM = re.compile(
    rf"\s*({_TOKEN})\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|({_TOKEN}))\s*", re.DOTALL
)
_SCHEME = re.compile(rf"\s*({_TOKEN})(?:\s+|$)")
_REPOSITORY_PATH = re.compile(r"^/v2/(.+?)/(?:manifests|blobs|tags|referrers)(?:/|$)")


@dataclass(frozen=True)
class Challenge:
    """One challenge of a ``WWW-Authenticate`` header: a scheme and its parameters."""

    scheme: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Token:
    """A Bearer token and the monotonic time after which it is not used."""

    value: str = field(repr=False)
    expires: float


def parse_challenges(headers: list[str]) -> list[Challenge]:
    """Parse ``WWW-Authenticate`` values per RFC 9110.

    Quoted strings may hold commas and escaped quotes; parameter names are
    case-insensitive; one header may carry several challenges.
    """
    challenges: list[Challenge] = []
    for header in headers:
        position = 0
        while position < len(header):
            while position < len(header) and header[position] in " ,":
                position += 1
            scheme_match = _SCHEME.match(header, position)
            if not scheme_match:
                break
            scheme = scheme_match.group(1).lower()
            position = scheme_match.end()
            params: dict[str, str] = {}
            while True:
                param = _PARAM.match(header, position)
                if not param:
                    break
                name, quoted, bare = param.groups()
                value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
                params[name.lower()] = value
                position = param.end()
                if position < len(header) and header[position] == ",":
                    position += 1
                    continue
                break
            challenges.append(Challenge(scheme, params))
    return challenges


class RegistryAuth(httpx.Auth):
    """Anonymous, Basic and Bearer-token authentication for one registry origin."""

    requires_response_body = True

    def __init__(
        self,
        origin: httpx.URL,
        credentials: Credentials | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.origin = origin
        self.credentials = credentials
        self._clock = clock
        self._tokens: dict[str, Token] = {}
        self._scope_for: dict[tuple[str, str], str] = {}
        self._use_basic = False

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request``, answering at most one 401 challenge."""
        if not _same_origin(request.url, self.origin):
            yield request
            return

        key = _scope_key(request)
        self._authorize(request, key)
        response = yield request
        if response.status_code != 401:
            return

        challenges = parse_challenges(response.headers.get_list("www-authenticate"))
        bearer = next((c for c in challenges if c.scheme == "bearer"), None)
        basic = next((c for c in challenges if c.scheme == "basic"), None)
        if bearer is not None:
            scope = bearer.params.get("scope", "")
            token = yield from self._fetch_token(bearer, scope)
            self._tokens[scope] = token
            self._scope_for[key] = scope
            request.headers["Authorization"] = f"Bearer {token.value}"
            yield request
        elif basic is not None and self._basic_header() is not None:
            if self._use_basic:
                return  # The credentials were already sent and refused.
            self._use_basic = True
            self._authorize(request, key)
            yield request

    def _authorize(self, request: httpx.Request, key: tuple[str, str]) -> None:
        if self._use_basic:
            header = self._basic_header()
            if header:
                request.headers["Authorization"] = header
            return
        scope = self._scope_for.get(key)
        token = self._tokens.get(scope) if scope is not None else None
        if token is not None and token.expires > self._clock():
            request.headers["Authorization"] = f"Bearer {token.value}"

    def _basic_header(self) -> str | None:
        credentials = self.credentials
        if credentials is None or not credentials.username or not credentials.password:
            return None
        pair = f"{credentials.username}:{credentials.password}".encode()
        return f"Basic {base64.b64encode(pair).decode('ascii')}"

    def _fetch_token(
        self, challenge: Challenge, scope: str
    ) -> Generator[httpx.Request, httpx.Response, Token]:
        realm = challenge.params.get("realm")
        if not realm:
            raise ProtocolError(
                "the registry asked for a Bearer token without naming a realm",
                status=401,
                url=str(self.origin),
            )
        realm_url = httpx.URL(realm)
        plain = realm_url.scheme != "https" and not is_loopback(realm_url.host)
        if plain and self.origin.scheme == "https":
            raise AuthenticationFailed(
                f"refusing to fetch a token over plain HTTP from {realm_url.host}",
                url=str(realm_url.copy_with(query=None)),
                hint="The registry's token realm must use HTTPS",
            )
        service = challenge.params.get("service")
        query: list[tuple[str, str | int | float | bool | None]] = []
        if service:
            query.append(("service", service))
        # Harbor puts several scopes into one parameter, separated by spaces.
        query.extend(("scope", part) for part in scope.split() if part)

        credentials = self.credentials
        if credentials is not None and credentials.identity_token:
            form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", credentials.identity_token),
                ("client_id", "tagyard"),
                *query,
            ]
            token_request = httpx.Request(
                "POST",
                realm_url,
                content=urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        else:
            token_request = httpx.Request(
                "GET", realm_url.copy_merge_params(httpx.QueryParams(query))
            )
            header = self._basic_header()
            if header:
                token_request.headers["Authorization"] = header

        received = self._clock()
        response = yield token_request
        return _read_token(response, realm_url, received)


def _read_token(response: httpx.Response, realm: httpx.URL, received: float) -> Token:
    where = str(realm.copy_with(query=None))
    if response.status_code in (401, 403):
        raise AuthenticationFailed(
            "the token service refused the credentials",
            status=response.status_code,
            url=where,
            hint="Check the username and password for this registry "
            "(tagyard config or docker login)",
        )
    if response.status_code != 200:
        raise AuthenticationFailed(
            "the token service did not issue a token",
            status=response.status_code,
            url=where,
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ProtocolError(
            "the token service answered with something not JSON", url=where
        )
    value = body.get("token") or body.get("access_token")
    if not isinstance(value, str) or not value:
        raise ProtocolError(
            "the token service answered without a token", status=200, url=where
        )
    lifetime = body.get("expires_in")
    seconds = (
        float(lifetime) if isinstance(lifetime, int | float) else _DEFAULT_LIFETIME
    )
    issued = parse_datetime(body.get("issued_at"))
    if issued is not None:
        # Count the lifetime from when it was issued, but never trust a server
        # clock that claims it was issued in our future.
        age = max(0.0, time.time() - issued.timestamp())
        seconds -= age
    return Token(value, received + seconds - _REFRESH_MARGIN)


def _same_origin(url: httpx.URL, origin: httpx.URL) -> bool:
    return (url.scheme, url.host, url.port) == (origin.scheme, origin.host, origin.port)


def _scope_key(request: httpx.Request) -> tuple[str, str]:
    match = _REPOSITORY_PATH.match(request.url.path)
    repository = match.group(1) if match else ""
    action = "pull" if request.method in ("GET", "HEAD") else request.method
    return (action, repository)
