"""Where credentials come from: tagyard's own config, then docker's ``config.json``.

Docker's file is read the way the docker CLI reads it: every ``auths`` key is
normalised to a lower-case ``host[:port]`` (scheme, ``/v1/``, ``/v2/`` and
trailing slashes dropped) and matched exactly, never by prefix, so that
``registry.example.co`` never receives the secrets of ``registry.example.com``.
``credHelpers[host]`` wins over ``credsStore``; an empty ``{}`` entry means "ask
the store". A missing ``docker-credential-*`` program is reported and the
registry is then used anonymously.

Nothing here logs or prints a secret: :class:`Credentials` hides them in its
``repr``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidReference
from .reference import DOCKER_HUB, normalize_host

__all__ = [
    "CredentialLookup",
    "Credentials",
    "docker_config_path",
    "docker_login_hosts",
    "lookup_docker_credentials",
    "normalize_auth_key",
]

log = logging.getLogger(__name__)

_HUB_KEYS = (
    "index.docker.io",
    "docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
)
_HELPER_TIMEOUT = 20.0


@dataclass(frozen=True)
class Credentials:
    """A username and password, or an identity (OAuth2 refresh) token."""

    username: str | None = field(default=None)
    password: str | None = field(default=None, repr=False)
    identity_token: str | None = field(default=None, repr=False)

    @property
    def usable(self) -> bool:
        """Whether there is anything to authenticate with."""
        return bool(self.identity_token or (self.username and self.password))


@dataclass(frozen=True)
class CredentialLookup:
    """The result of a lookup: credentials (or None) and a note for the user."""

    credentials: Credentials | None
    source: str | None = None
    warning: str | None = None


def docker_config_path() -> Path:
    """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
    base = os.environ.get("DOCKER_CONFIG")
    root = Path(base) if base else Path.home() / ".docker"
    return root / "config.json"


def normalize_auth_key(key: str) -> str:
    """Reduce a key to ``host[:port]``: ``https://Host:5000/v2/`` -> ``host:5000``."""
    text = key.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0]
    return text.lower()


def lookup_docker_credentials(
    registry: str,
    config_path: Path | None = None,
    document: Mapping[str, Any] | None = None,
) -> CredentialLookup:
    """Credentials for ``registry`` (a normalised ``host[:port]``) from docker's config.

    ``document`` may be given directly (the parsed file), which tests use.
    """
    if document is None:
        path = config_path or docker_config_path()
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return CredentialLookup(None)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return CredentialLookup(
                None, warning=f"could not read {path}: {error.__class__.__name__}"
            )
    if not isinstance(document, Mapping):
        return CredentialLookup(None, warning="docker config is not a JSON object")

    keys = _HUB_KEYS if registry == DOCKER_HUB else (registry.lower(),)
    helpers = document.get("credHelpers")
    if isinstance(helpers, Mapping):
        for key in keys:
            helper = helpers.get(key)
            if isinstance(helper, str) and helper:
                return _from_helper(helper, key)

    auths = document.get("auths")
    entries: dict[str, Any] = {}
    if isinstance(auths, Mapping):
        for raw_key, value in auths.items():
            entries.setdefault(normalize_auth_key(str(raw_key)), value)
    for key in keys:
        if key not in entries:
            continue
        entry = entries[key]
        credentials = _from_entry(entry) if isinstance(entry, Mapping) else None
        if credentials is not None and credentials.usable:
            return CredentialLookup(credentials, source=f"docker config ({key})")
        store = document.get("credsStore")
        if isinstance(store, str) and store:
            return _from_helper(store, key)
        return CredentialLookup(None)
    return CredentialLookup(None)


def _from_entry(entry: Mapping[str, Any]) -> Credentials | None:
    username = entry.get("username")
    password = entry.get("password")
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            decoded = base64.b64decode(auth, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if ":" in decoded:
            # Only the first colon separates: passwords may contain colons.
            username, password = decoded.split(":", 1)
    identity = entry.get("identitytoken")
    if isinstance(identity, str) and identity:
        return Credentials(
            username=str(username) if username else None, identity_token=identity
        )
    if isinstance(username, str) and isinstance(password, str):
        return Credentials(username=username, password=password)
    return None


def _from_helper(helper: str, key: str) -> CredentialLookup:
    program = f"docker-credential-{helper}"
    if shutil.which(program) is None:
        return CredentialLookup(
            None,
            warning=f"{program} is not installed; using {key} without credentials",
        )
    server = "https://index.docker.io/v1/" if key in _HUB_KEYS else key
    try:
        completed = subprocess.run(
            [program, "get"],
            input=server,
            capture_output=True,
            text=True,
            timeout=_HELPER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return CredentialLookup(
            None, warning=f"{program} failed ({error.__class__.__name__})"
        )
    if completed.returncode != 0:
        # Helpers answer "credentials not found" this way; it is not an error.
        return CredentialLookup(None)
    try:
        answer = json.loads(completed.stdout)
    except json.JSONDecodeError:
        return CredentialLookup(None, warning=f"{program} gave an unreadable answer")
    username = answer.get("Username") if isinstance(answer, dict) else None
    secret = answer.get("Secret") if isinstance(answer, dict) else None
    if not isinstance(secret, str) or not secret:
        return CredentialLookup(None)
    if username == "<token>":
        return CredentialLookup(Credentials(identity_token=secret), source=program)
    return CredentialLookup(
        Credentials(username=str(username or ""), password=secret), source=program
    )


def docker_login_hosts(config_path: Path | None = None) -> list[str]:
    """The registries docker's ``config.json`` holds credentials for, in its order.

    An unreadable file or a key that is not a registry host is skipped: the
    file belongs to docker, and logging in still works without tagyard
    listing the host. Hosts that appear only under ``credHelpers`` are not
    listed: a helper may answer for hosts one never browses (cloud helpers
    are often set up for every region), so only ``auths`` counts as a login.
    """
    try:
        document = json.loads(
            (config_path or docker_config_path()).read_text(encoding="utf-8")
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    auths = document.get("auths") if isinstance(document, dict) else None
    hosts: list[str] = []
    for key in auths if isinstance(auths, dict) else {}:
        try:
            host = normalize_host(normalize_auth_key(str(key)))
        except InvalidReference:
            continue
        if host not in hosts:
            hosts.append(host)
    return hosts
