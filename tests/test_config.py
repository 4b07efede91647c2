"""The configuration file: validation that names the key, and editing it in place."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui.config import ConfigError, load_config
from tui.config_edit import RegistryEntry, add_bookmark, remove_registry, save_registry
from tui.ui.keymap import binding_ids, check_config


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        config = load_config(path)
        check_config(config)
    return str(caught.value)


def test_every_setting_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        """
read_only = true
copy_tool = "podman"
theme = "nord"

[keys]
"tag.delete" = "ctrl+d"
"nav.back" = "alt+left, ["

[registries."Registry.Example.com:5000"]
username = "ci"
password = "s3cret"
insecure = true
ca_bundle = "/etc/ca.pem"
bookmarks = ["team/app", "library/nginx"]
""",
    )
    config = load_config(path)
    check_config(config)
    assert config.read_only and config.copy_tool == "podman" and config.theme == "nord"
    assert config.keys == {"tag.delete": "ctrl+d", "nav.back": "alt+left,["}
    settings = config.registries["registry.example.com:5000"]
    assert settings.bookmarks == ("team/app", "library/nginx")
    assert settings.credentials is not None and settings.credentials.username == "ci"
    assert settings.has_password and settings.insecure
    assert "s3cret" not in repr(settings)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml")
    assert config.copy_tool == "docker" and config.theme is None and config.keys == {}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('copy_tool = "crane"', "copy_tool must be one of docker, podman, nerdctl"),
        ("theme = 3", "theme must be"),
        ('theme = "no-such-theme"', "theme 'no-such-theme' is not a theme"),
        ('keys = "x"', "'keys' must be a table"),
        ('[keys]\n"tag.nothing" = "x"', "keys.tag.nothing: there is no binding"),
        ('[keys]\n"tag.delete" = "ctrl+nope"', "keys.tag.delete: 'ctrl+nope' is not"),
        ('[keys]\n"tag.delete" = "hyperspace"', "keys.tag.delete: 'hyperspace'"),
        ('[keys]\n"tag.delete" = 4', "keys.tag.delete must be a string"),
        ('[keys]\n"tag.delete" = "a,,b"', "keys.tag.delete: 'a,,b' is not a list"),
        ("[keys]\nplain = 'x'", "keys.plain is not a binding id"),
        (
            '[registries."h.example"]\nbookmarks = "team/app"',
            "bookmarks must be a list",
        ),
        ('[registries."h.example"]\nbookmarks = ["Team App"]', "'Team App' is not"),
        ("colour = 1", "unknown key colour"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, text: str, names: str) -> None:
    assert names in error_of(write(tmp_path / "config.toml", text))


def test_binding_ids_come_from_the_ui_tables() -> None:
    ids = binding_ids()
    assert {"tag.delete", "tag.copy", "app.help", "nav.back", "details.raw"} <= ids


def test_saving_a_registry_keeps_comments_and_makes_a_private_file(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "new" / "tagyard"
    path = folder / "config.toml"
    config = save_registry(
        RegistryEntry("reg.example:5000", username="ci", password="p4ss"), path=path
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert config.registries["reg.example:5000"].has_password

    text = "# mine\ncopy_tool = 'nerdctl'  # for the lab\n\n" + path.read_text()
    write(path, text)
    save_registry(
        RegistryEntry("reg.example:5000", username="robot", insecure=True), path=path
    )
    edited = path.read_text()
    assert edited.startswith("# mine\ncopy_tool = 'nerdctl'  # for the lab\n")
    assert 'username = "robot"' in edited and 'password = "p4ss"' in edited
    assert "insecure = true" in edited

    config = load_config(path)
    assert config.registries["reg.example:5000"].username == "robot"


def test_password_env_replaces_a_stored_password_and_must_be_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    save_registry(RegistryEntry("r.example", username="u", password="pw"), path=path)
    before = path.read_text()
    with pytest.raises(ConfigError, match="password_env names REG_PW, which is not"):
        save_registry(
            RegistryEntry("r.example", username="u", password_env="REG_PW"), path=path
        )
    assert path.read_text() == before

    monkeypatch.setenv("REG_PW", "from-env")
    save_registry(
        RegistryEntry("r.example", username="u", password_env="REG_PW"), path=path
    )
    settings = load_config(path).registries["r.example"]
    assert not settings.has_password and settings.password_env == "REG_PW"
    assert settings.credentials is not None
    assert settings.credentials.password == "from-env"


def test_renaming_and_removing_a_registry(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_registry(RegistryEntry("old.example"), path=path)
    add_bookmark("old.example", "team/app", path=path)
    save_registry(RegistryEntry("new.example"), path=path, replaces="old.example")
    config = load_config(path)
    assert list(config.registries) == ["new.example"]
    assert config.registries["new.example"].bookmarks == ("team/app",)

    save_registry(RegistryEntry("other.example"), path=path)
    with pytest.raises(ConfigError, match="configured already"):
        save_registry(RegistryEntry("other.example"), path=path, replaces="new.example")
    with pytest.raises(ConfigError, match="host: invalid registry host"):
        save_registry(RegistryEntry("not a host"), path=path)

    assert list(remove_registry("NEW.example", path=path).registries) == [
        "other.example"
    ]
    assert list(remove_registry("absent.example", path=path).registries) == [
        "other.example"
    ]


def test_bookmarks_are_added_once_to_a_new_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    add_bookmark("ghcr.io", "acme/tool", path=path)
    config = add_bookmark("ghcr.io", "acme/tool", path=path)
    assert config.registries["ghcr.io"].bookmarks == ("acme/tool",)
    assert path.read_text().count("acme/tool") == 1


def test_a_file_readable_by_others_refuses_a_password(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        '[registries."r.example"]\nusername = "u"\npassword = "x"\n',
        mode=0o644,
    )
    assert "registries.'r.example'.password but other users can read it" in error_of(
        path
    )
