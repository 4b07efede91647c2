"""A demo registry that ships with tagyard, so it can be tried without one.

``sample/`` holds a directory of OCI image layouts (written by
``scripts/make_demo.py``) with several repositories, shared tags, a
multi-platform index with attestations, a Docker schema 2 image and an untagged
manifest. :func:`prepare_demo` copies it somewhere writable and returns that
path for :class:`~tui.registry.ocilayout.LayoutRegistry`: deleting tags in the
demo then works, and never touches the installed package, which may be
read-only and is shared by every user of the installation.

The copy is not removed afterwards; it lives in the temporary directory, which
the operating system clears, and it is small (about 1 MB).
"""

from __future__ import annotations

import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["prepare_demo"]


def prepare_demo(target: Path | None = None) -> Path:
    """Copy the sample layouts into a new directory and return its path.

    The directory is created under ``target`` when given, else under the
    user's temporary directory, with a fresh name each time, so two demos
    never share state. The copy is made through :mod:`importlib.resources`,
    so it works from a wheel, a source tree or a zip import alike.
    """
    destination = Path(tempfile.mkdtemp(prefix="tagyard-demo-", dir=target))
    _copy_tree(files(__name__).joinpath("sample"), destination)
    return destination


def _copy_tree(source: Traversable, destination: Path) -> None:
    for child in source.iterdir():
        if child.is_dir():
            (destination / child.name).mkdir()
            _copy_tree(child, destination / child.name)
        else:
            (destination / child.name).write_bytes(child.read_bytes())
