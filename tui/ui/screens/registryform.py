"""Small forms: a registry's settings, and a repository name to add.

The registry form never shows a stored password: editing a registry leaves
the password field empty, and an empty field keeps the password the file
holds. What the form collects goes to a ``submit`` callback, which saves it
and answers with an error message (shown in the form, which stays open) or
None (the form closes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from ...config import RegistrySettings
from ...config_edit import RegistryEntry

__all__ = ["RegistryForm", "RepositoryPrompt", "Submit"]

Submit = Callable[[RegistryEntry], str | None]
_FIELDS = (
    ("host", "host[:port]", "registry.example.com"),
    ("username", "username", "leave empty for anonymous access"),
    ("password-env", "password from this environment variable", "REGISTRY_PASSWORD"),
    ("password", "or the password itself (kept in the file, mode 0600)", ""),
    ("ca-bundle", "CA bundle for TLS (a PEM file)", "/etc/ssl/private-ca.pem"),
)


class RegistryForm(ModalScreen[None]):
    """Host, username, password (or its variable), plain HTTP, CA bundle."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(
        self,
        title: str,
        submit: Submit,
        settings: RegistrySettings | None = None,
        *,
        host: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.submit = submit
        self.settings = settings
        self.host = host

    def compose(self) -> ComposeResult:
        settings = self.settings
        values = {
            "host": settings.host if settings else self.host,
            "username": (settings.username or "") if settings else "",
            "password-env": (settings.password_env or "") if settings else "",
            "ca-bundle": (settings.ca_bundle or "") if settings else "",
        }
        with Vertical(id="registry-form"):
            yield Static(self.title_text, id="registry-form-title", markup=False)
            for name, label, placeholder in _FIELDS:
                yield Label(label)
                if name == "password" and settings and settings.has_password:
                    placeholder = "stored: leave empty to keep it"
                yield Input(
                    values.get(name, ""),
                    placeholder=placeholder,
                    password=name == "password",
                    compact=True,
                    id=f"registry-{name}",
                )
            insecure = bool(settings and settings.insecure)
            yield Checkbox(
                "plain HTTP (insecure)", insecure, compact=True, id="registry-insecure"
            )
            yield Static("", id="registry-form-error", markup=False)
            with Horizontal(id="registry-form-buttons"):
                yield Button(
                    "Save", variant="primary", compact=True, id="registry-save"
                )
                yield Button("Cancel", compact=True, id="registry-cancel")

    def _value(self, name: str) -> str:
        return self.query_one(f"#registry-{name}", Input).value.strip()

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "registry-save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        password, variable = self._value("password"), self._value("password-env")
        if password and variable:
            self._error("Give the password or its variable, not both")
            return
        entry = RegistryEntry(
            host=self._value("host"),
            username=self._value("username") or None,
            password=password or None,
            password_env=variable or None,
            insecure=self.query_one("#registry-insecure", Checkbox).value,
            ca_bundle=self._value("ca-bundle") or None,
        )
        error = self.submit(entry)
        if error is None:
            self.dismiss(None)
        else:
            self._error(error)

    def _error(self, text: str) -> None:
        self.query_one("#registry-form-error", Static).update(text)


class RepositoryPrompt(ModalScreen[str | None]):
    """Asks for a repository name; the check is the caller's ``validate``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="prompt.repository_cancel"),
    ]

    def __init__(self, title: str, validate: Callable[[str], str | None]) -> None:
        super().__init__()
        self.title_text = title
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical(id="repository-prompt"):
            yield Static(self.title_text, id="repository-prompt-title", markup=False)
            yield Input(placeholder="team/app", compact=True, id="repository-name")
            yield Static("", id="repository-prompt-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        error = self.validate(name)
        if error is None:
            self.dismiss(name)
        else:
            self.query_one("#repository-prompt-error", Static).update(error)
