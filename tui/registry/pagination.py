"""Following ``Link: <...>; rel="next"`` through catalog and tag pages.

Registries write the next link in several forms: a path (``/v2/_catalog?...``),
an absolute URL (ECR, Pulp), an opaque cursor (Quay), in a lower-case ``link``
header. The target is joined to the request URL per RFC 3986 and its
percent-encoding is kept byte for byte. A link to another origin is refused, so
credentials never follow it; a registry mounted under a path prefix keeps its
prefix on ``/v2/...`` links.
"""

from __future__ import annotations

import re

import httpx

from .errors import ProtocolError

__all__ = ["next_link", "parse_links"]

_REL = re.compile(r"""(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.IGNORECASE)


def parse_links(header: str) -> list[tuple[str, set[str]]]:
    """Split a Link header into ``(target, rels)`` pairs.

    Commas separate link-values only outside angle brackets; only the ``<>`` are
    stripped from the target.
    """
    links: list[tuple[str, set[str]]] = []
    position = 0
    while True:
        start = header.find("<", position)
        if start == -1:
            break
        end = header.find(">", start)
        if end == -1:
            break
        target = header[start + 1 : end]
        following = header.find("<", end)
        params = header[end + 1 : following if following != -1 else len(header)]
        rels: set[str] = set()
        for match in _REL.finditer(params):
            value = match.group(1) if match.group(1) is not None else match.group(2)
            rels.update(part.lower() for part in value.split())
        links.append((target, rels))
        position = end + 1
    return links


def next_link(response: httpx.Response, base: httpx.URL) -> httpx.URL | None:
    """The URL of the next page, or None on the last page.

    ``base`` is the registry's root URL (scheme, host, port and any path
    prefix before ``/v2/``).
    """
    headers = response.headers.get_list("link")
    for header in headers:
        for target, rels in parse_links(header):
            if "next" not in rels:
                continue
            return _resolve(target, response.request.url, base)
    return None


def _resolve(target: str, request_url: httpx.URL, base: httpx.URL) -> httpx.URL:
    prefix = base.raw_path.split(b"?", 1)[0].rstrip(b"/")
    if (
        target.startswith("/v2/")
        and prefix
        and not target.startswith(prefix.decode("ascii", "replace") + "/")
    ):
        # An absolute-path link from a registry behind a path prefix lost the
        # prefix; put it back rather than leaving the registry.
        target = prefix.decode("ascii") + target
    resolved = request_url.join(target)
    if (resolved.scheme, resolved.host, resolved.port) != (
        base.scheme,
        base.host,
        base.port,
    ):
        raise ProtocolError(
            "the registry's next-page link points to another host; "
            "refusing to follow it with this registry's credentials",
            url=str(resolved.copy_with(query=None)),
            hint="Report this to the registry's operator",
        )
    return resolved
