"""Changing tagyard's configuration file from the UI, keeping the user's layout.

tomlkit edits the document in place, so comments, key order and spacing the
user wrote stay as they were. Every change is validated with the same rules
as :func:`tui.config.load_config` before anything is written, and the file is
replaced atomically with mode 0600 (it may hold a password) in a folder of
mode 0700. A symbolic link to the file, as dotfile managers make, is
followed, and the file it points at is the one replaced.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
import tomlkit.exceptions
from tomlkit.items import Table

from .config import Config, ConfigError, config_path, load_config, parse_document
from .registry.errors import RegistryError
from .registry.reference import normalize_host

__all__ = ["RegistryEntry", "add_bookmark", "remove_registry", "save_registry"]


@dataclass(frozen=True)
class RegistryEntry:
    """What :func:`save_registry` writes for one registry.

    ``password`` None keeps a password the file already holds (unless
    ``password_env`` is given, which replaces it); an empty string removes it.
    """

    host: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_env: str | None = None
    insecure: bool = False
    ca_bundle: str | None = None


def save_registry(
    entry: RegistryEntry, *, path: Path | None = None, replaces: str | None = None
) -> Config:
    """Add or update ``[registries."HOST"]`` and return the config as now saved.

    ``replaces`` names the host an edited entry had before; its table (with its
    bookmarks) moves to the new host. The file is validated before it is
    written, so a mistake leaves it as it was and raises :class:`ConfigError`.
    """
    path = path or config_path()
    try:
        host = normalize_host(entry.host)
    except RegistryError as error:
        raise ConfigError(f"host: {error.message}", hint=error.hint) from None
    document = _read_document(path)
    registries = _registries_table(document)
    old_key = _find_table(registries, replaces or host)
    new_key = _find_table(registries, host)
    if replaces and new_key is not None and new_key != old_key:
        raise ConfigError(f"host: {host} is configured already")
    table = registries.get(old_key) if old_key else None
    if not isinstance(table, Table):
        table = tomlkit.table()
    if old_key is not None and old_key != host:
        # A renamed host (or one spelled differently) moves to the new key.
        del registries[old_key]

    text_values = {
        "username": entry.username,
        "password_env": entry.password_env,
        "ca_bundle": entry.ca_bundle,
    }
    for key, value in text_values.items():
        _set_or_drop(table, key, value or None)
    if entry.password_env or entry.password == "":
        _set_or_drop(table, "password", None)
    elif entry.password is not None:
        table["password"] = entry.password
    _set_or_drop(table, "insecure", True if entry.insecure else None)
    if old_key != host:
        registries[host] = table
    return _write(path, document)


def remove_registry(host: str, *, path: Path | None = None) -> Config:
    """Remove ``[registries."HOST"]``; removing a host that is not there is a no-op."""
    path = path or config_path()
    document = _read_document(path)
    registries = _registries_table(document)
    found = _find_table(registries, host)
    if found is None:
        return load_config(path)
    del registries[found]
    return _write(path, document)


def add_bookmark(host: str, repository: str, *, path: Path | None = None) -> Config:
    """Keep ``repository`` in the registry's ``bookmarks`` (a new table if need be)."""
    path = path or config_path()
    document = _read_document(path)
    registries = _registries_table(document)
    found = _find_table(registries, host)
    table = registries.get(found) if found else None
    if table is None:
        table = tomlkit.table()
        registries[normalize_host(host)] = table
    bookmarks = table.get("bookmarks")
    if bookmarks is None:
        table["bookmarks"] = tomlkit.array()
        bookmarks = table["bookmarks"]
    if repository not in bookmarks:
        bookmarks.append(repository)
    return _write(path, document)


def _read_document(path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return tomlkit.document()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    except tomlkit.exceptions.ParseError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def _registries_table(document: tomlkit.TOMLDocument) -> Table:
    if "registries" not in document:
        document["registries"] = tomlkit.table(is_super_table=True)
    registries = document["registries"]
    if not isinstance(registries, Table):
        raise ConfigError("'registries' must be a table")
    return registries


def _find_table(registries: Table, host: str) -> str | None:
    """The key of the table for ``host``, however the file spells the host."""
    try:
        wanted = normalize_host(host)
    except RegistryError:
        return None
    for key in registries:
        try:
            if normalize_host(str(key)) == wanted:
                return str(key)
        except RegistryError:
            continue
    return None


def _set_or_drop(table: Table, key: str, value: object) -> None:
    if value is None:
        if key in table:
            del table[key]
    else:
        table[key] = value


def _write(path: Path, document: tomlkit.TOMLDocument) -> Config:
    text = tomlkit.dumps(document)
    # The file is written 0600 below, so the "readable by others" check of
    # a stored password does not apply to what is about to be written.
    config = parse_document(path, tomllib.loads(text), lambda key: None)

    target = path.resolve()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".config-")
    try:
        # mkstemp creates the file readable by its owner only (0600).
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {error.strerror}") from None
    return config
