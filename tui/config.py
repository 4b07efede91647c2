"""tagyard's own configuration file: TOML in the XDG config directory.

The file is ``$XDG_CONFIG_HOME/tagyard/config.toml`` (platformdirs decides the
exact place per system); ``TAGYARD_CONFIG`` points elsewhere. Every key is
checked, and a mistake names the key::

    read_only = false          # true: every session refuses to change anything
    copy_tool = "podman"       # the pull command copied: docker, podman or nerdctl
    theme = "gruvbox"          # a Textual theme name

    [keys]                     # binding id = key(s), as the help screen lists them
    "tag.delete" = "ctrl+d"

    [registries."registry.example.com"]
    username = "ci"
    password_env = "REGISTRY_PASSWORD"   # or password = "..." (file must be 0600)
    insecure = false                     # true: plain HTTP
    ca_bundle = "/etc/ssl/private-ca.pem"
    bookmarks = ["team/app"]             # repositories to list without a catalog

Key names and binding ids are only checked for their form here; whether a
binding id exists and a key name is known is for the UI to say, since this
module is read by the headless commands too and does not import Textual.

A file that holds a password but can be read by other users is refused, as ssh
refuses such keys. :mod:`tui.config_edit` changes the file from the UI.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .registry.credentials import Credentials
from .registry.errors import RegistryError
from .registry.reference import normalize_host, parse_repository

__all__ = [
    "COPY_TOOLS",
    "Config",
    "ConfigError",
    "RegistrySettings",
    "config_path",
    "load_config",
    "parse_document",
]

COPY_TOOLS = ("docker", "podman", "nerdctl")
_REGISTRY_KEYS = {
    "username",
    "password",
    "password_env",
    "insecure",
    "ca_bundle",
    "bookmarks",
}
_TOP_KEYS = {"registries", "read_only", "copy_tool", "theme", "keys"}
_BINDING_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


class ConfigError(RegistryError):
    """The configuration file is unreadable or holds a wrong key or value."""


@dataclass(frozen=True)
class RegistrySettings:
    """How to reach one registry, and the repositories bookmarked on it."""

    host: str
    credentials: Credentials | None = None
    insecure: bool = False
    ca_bundle: str | None = None
    username: str | None = None
    password_env: str | None = None
    has_password: bool = False
    bookmarks: tuple[str, ...] = ()

    @property
    def verify(self) -> bool | str:
        """The ``verify`` argument for httpx: a CA bundle path or True."""
        return self.ca_bundle or True


@dataclass(frozen=True)
class Config:
    """The parsed configuration file."""

    path: Path
    registries: dict[str, RegistrySettings] = field(default_factory=dict)
    read_only: bool = False
    copy_tool: str = "docker"
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)

    def settings_for(self, host: str) -> RegistrySettings | None:
        """The settings for ``host`` (already normalised), if the file has any."""
        return self.registries.get(host)


def config_path() -> Path:
    """Where the configuration file is read from."""
    override = os.environ.get("TAGYARD_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("tagyard")) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read and validate the configuration file; a missing file is an empty config."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    return parse_document(path, document, lambda key: _require_private(path, key))


def parse_document(
    path: Path, document: dict[str, Any], private: Callable[[str], None]
) -> Config:
    """Validate a parsed file; ``private(key)`` checks a file holding a password."""
    _no_unknown(document, _TOP_KEYS, str(path), "")
    tables = document.get("registries", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: 'registries' must be a table")
    registries = {}
    for host, table in tables.items():
        settings = _registry(path, str(host), table, private)
        registries[settings.host] = settings
    read_only = document.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ConfigError(f"{path}: read_only must be true or false")
    copy_tool = document.get("copy_tool", "docker")
    if copy_tool not in COPY_TOOLS:
        raise ConfigError(
            f"{path}: copy_tool must be one of {', '.join(COPY_TOOLS)}",
            hint=f"It is {copy_tool!r}",
        )
    theme = document.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme):
        raise ConfigError(f"{path}: theme must be the name of a theme")
    keys = _keys(path, document.get("keys", {}))
    return Config(path, registries, read_only, copy_tool, theme, keys)


def _keys(path: Path, table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'keys' must be a table of binding id = keys")
    keys: dict[str, str] = {}
    for binding_id, value in table.items():
        where = f"{path}: keys.{binding_id}"
        if not _BINDING_ID.fullmatch(binding_id):
            raise ConfigError(
                f"{where} is not a binding id",
                hint='Ids look like "tag.delete"; quote them: "tag.delete" = "x"',
            )
        if not isinstance(value, str):
            raise ConfigError(f'{where} must be a string such as "ctrl+d"')
        names = [name.strip() for name in value.split(",")]
        if not all(names) or any(" " in name for name in names):
            raise ConfigError(
                f"{where}: {value!r} is not a list of keys",
                hint='Separate keys with commas: "d,delete"',
            )
        keys[binding_id] = ",".join(names)
    return keys


def _registry(
    path: Path, host: str, table: Any, private: Callable[[str], None]
) -> RegistrySettings:
    where = f"registries.{host!r}"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    _no_unknown(table, _REGISTRY_KEYS, str(path), where + ".")
    for key in ("username", "password", "password_env", "ca_bundle"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{path}: {where}.{key} must be a string")
    if "insecure" in table and not isinstance(table["insecure"], bool):
        raise ConfigError(f"{path}: {where}.insecure must be true or false")
    try:
        normalized = normalize_host(host)
    except RegistryError as error:
        raise ConfigError(f"{path}: {where}: {error.message}") from None
    bookmarks = _bookmarks(path, f"{where}.bookmarks", table.get("bookmarks", []))

    password = table.get("password")
    if password is not None:
        private(f"{where}.password")
    variable = table.get("password_env")
    if variable is not None:
        password = os.environ.get(variable)
        if password is None:
            raise ConfigError(
                f"{path}: {where}.password_env names {variable}, which is not set"
            )
    username = table.get("username")
    credentials = (
        Credentials(username=username, password=password)
        if username and password
        else None
    )
    return RegistrySettings(
        host=normalized,
        credentials=credentials,
        insecure=bool(table.get("insecure", False)),
        ca_bundle=table.get("ca_bundle"),
        username=username,
        password_env=variable,
        has_password="password" in table,
        bookmarks=bookmarks,
    )


def _bookmarks(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {where} must be a list of repository names")
    for name in value:
        try:
            parse_repository(f"localhost/{name}")
        except RegistryError:
            raise ConfigError(
                f"{path}: {where}: {name!r} is not a repository name"
            ) from None
    return tuple(value)


def _no_unknown(
    table: dict[str, Any], allowed: set[str], path: str, where: str
) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {where}{unknown[0]}",
            hint=f"Allowed here: {', '.join(sorted(allowed))}",
        )


def _require_private(path: Path, key: str) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path} holds {key} but other users can read it",
            hint=f"Run: chmod 600 {path}",
        )
