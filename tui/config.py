"""tagyard's own configuration file: TOML in the XDG config directory.

The file is ``$XDG_CONFIG_HOME/tagyard/config.toml`` (platformdirs decides the
exact place per system); ``TAGYARD_CONFIG`` points elsewhere. Every key is
checked, and a mistake names the key::

    [registries."registry.example.com"]
    username = "ci"
    password_env = "REGISTRY_PASSWORD"   # or password = "..." (file must be 0600)
    insecure = false                     # true: plain HTTP
    ca_bundle = "/etc/ssl/private-ca.pem"

A top-level ``read_only = true`` makes every session read-only, as the
``--read-only`` option does.

A file that holds a password but can be read by other users is refused, as ssh
refuses such keys.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .registry.credentials import Credentials
from .registry.errors import RegistryError
from .registry.reference import normalize_host

__all__ = ["Config", "ConfigError", "RegistrySettings", "config_path", "load_config"]

_REGISTRY_KEYS = {"username", "password", "password_env", "insecure", "ca_bundle"}
_TOP_KEYS = {"registries", "read_only"}


class ConfigError(RegistryError):
    """The configuration file is unreadable or holds a wrong key or value."""


@dataclass(frozen=True)
class RegistrySettings:
    """How to reach one registry."""

    host: str
    credentials: Credentials | None = None
    insecure: bool = False
    ca_bundle: str | None = None

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

    _no_unknown(document, _TOP_KEYS, str(path), "")
    tables = document.get("registries", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: 'registries' must be a table")
    registries = {}
    for host, table in tables.items():
        settings = _registry(path, str(host), table)
        registries[settings.host] = settings
    read_only = document.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ConfigError(f"{path}: read_only must be true or false")
    return Config(path, registries, read_only)


def _registry(path: Path, host: str, table: Any) -> RegistrySettings:
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

    password = table.get("password")
    if password is not None:
        _require_private(path, f"{where}.password")
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
    )


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
