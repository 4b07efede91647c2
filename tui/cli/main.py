"""The ``tagyard`` command: the terminal UI, or a headless command for scripts.

``tagyard [TARGET]`` and ``tagyard --demo`` open the UI; ``tagyard repos``,
``tags``, ``inspect`` and ``rm`` run without it. Exit codes: 0 success, 1 a
failure (one line on stderr), 2 bad usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence

from .. import __version__
from ..config import Config, config_path, load_config
from ..registry.errors import InvalidReference, RegistryError
from . import commands, deleting, policy

__all__ = ["main"]

_COMMANDS = ("repos", "tags", "inspect", "rm", "undo", "policy")


def main(argv: Sequence[str] | None = None) -> int:
    """Run tagyard with ``argv`` (default: the process arguments)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``tagyard tags ... | head``): stop quietly, as
        # a program killed by SIGPIPE would, and keep Python from complaining
        # again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + signal.SIGPIPE
    if argv is None:
        sys.exit(code)
    return code


def _run(args: list[str]) -> int:
    command = next((a for a in args if not a.startswith("-")), None)
    parser = _command_parser() if command in _COMMANDS else _ui_parser()
    try:
        options = parser.parse_args(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    logging.basicConfig(level=logging.WARNING, format="tagyard: %(message)s")
    if options.verbose:
        # Our own one line per request; httpx's and asyncio's chatter stays out.
        logging.getLogger("tui").setLevel(logging.DEBUG)
    try:
        if getattr(options, "config_path", False):
            print(config_path())
            return 0
        config = load_config()
        if command in _COMMANDS:
            return asyncio.run(_dispatch(options, config))
        return _run_ui(options, config)
    except InvalidReference as error:
        print(f"tagyard: {error}", file=sys.stderr)
        return 2
    except RegistryError as error:
        print(f"tagyard: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tagyard: interrupted", file=sys.stderr)
        return 130


async def _dispatch(options: argparse.Namespace, config: Config) -> int:
    out = sys.stdout
    if options.command == "repos":
        return await commands.list_repositories(
            options.registry, config, **_flags(options), out=out
        )
    if options.command == "tags":
        return await commands.list_tags(
            options.repository, config, **_flags(options), out=out
        )
    if options.command == "inspect":
        return await commands.inspect_image(
            options.reference, config, **_flags(options), out=out
        )
    if options.command == "policy":
        return await _policy(options, config)
    if options.command == "undo":
        return await deleting.undo(
            None if options.last else options.entry,
            config,
            list_entries=options.list,
            insecure=options.insecure,
            read_only=options.read_only,
            out=out,
        )
    return await deleting.remove(
        options.references,
        config,
        assume_yes=options.yes,
        force=options.force,
        with_referrers=options.with_referrers,
        insecure=options.insecure,
        read_only=options.read_only,
        out=out,
        err=sys.stderr,
        confirm=commands.ask,
    )


async def _policy(options: argparse.Namespace, config: Config) -> int:
    if options.policy_command == "validate":
        return policy.validate(options.file, sys.stdout)
    if options.policy_command == "preview":
        return await policy.preview(
            options.repository,
            images_file=options.images,
            policy_file=options.policy,
            at=options.at,
            as_json=options.json,
            config=config,
            insecure=options.insecure,
            out=sys.stdout,
        )
    return await policy.apply(
        options.repository,
        policy_file=options.policy,
        at=options.at,
        as_json=options.json,
        assume_yes=options.yes,
        config=config,
        insecure=options.insecure,
        read_only=options.read_only,
        out=sys.stdout,
        err=sys.stderr,
        confirm=commands.ask,
    )


def _flags(options: argparse.Namespace) -> dict[str, bool]:
    return {"as_json": options.json, "insecure": options.insecure}


def _run_ui(options: argparse.Namespace, config: Config) -> int:
    # Textual is imported only here, so headless commands start fast.
    from ..ui.app import run_app

    return run_app(
        target=options.target,
        demo=options.demo,
        insecure=options.insecure,
        read_only=options.read_only,
        config=config,
    )


def _common(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    """Options taken before or after the command: ``tagyard --read-only rm ...``.

    On a sub-command they default to "not given" rather than False, so that an
    option given before the command name is not reset by the sub-command.
    """
    default = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--insecure",
        action="store_true",
        default=default,
        help="use plain HTTP for this registry (loopback hosts always do)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=default,
        help="refuse every change: no PUT, POST, PATCH or DELETE is sent",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="log each request",
    )


def _top(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config-path",
        action="store_true",
        help="print where the configuration file is read from, then exit",
    )
    parser.add_argument("--version", action="version", version=f"tagyard {__version__}")


def _ui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tagyard",
        description="Browse container registries in the terminal. Headless commands: "
        + ", ".join(_COMMANDS)
        + " (tagyard COMMAND --help).",
    )
    parser.add_argument(
        "target",
        nargs="?",
        help="HOST[:PORT][/REPOSITORY] or oci:PATH to open at",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the bundled sample registry"
    )
    _common(parser)
    _top(parser)
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tagyard")
    _common(parser)
    _top(parser)
    sub = parser.add_subparsers(dest="command", required=True)

    repos = sub.add_parser("repos", help="list every repository of a registry")
    repos.add_argument("registry", help="HOST[:PORT] or oci:PATH")
    tags = sub.add_parser("tags", help="list a repository's tags with details")
    tags.add_argument("repository", help="HOST[:PORT]/REPOSITORY")
    inspect = sub.add_parser("inspect", help="show one image in detail")
    inspect.add_argument("reference", help="HOST[:PORT]/REPOSITORY[:TAG|@DIGEST]")
    for each in (repos, tags, inspect):
        each.add_argument("--json", action="store_true", help="print JSON")
    rm = sub.add_parser("rm", help="delete tags (:tag) or images (@digest)")
    rm.add_argument(
        "references",
        nargs="+",
        metavar="REFERENCE",
        help="HOST[:PORT]/REPOSITORY:TAG (only that tag) or ...@DIGEST (the image)",
    )
    rm.add_argument("-y", "--yes", action="store_true", help="do not ask to confirm")
    rm.add_argument(
        "--force",
        action="store_true",
        help="delete even a manifest that a tagged index still references",
    )
    rm.add_argument(
        "--with-referrers",
        action="store_true",
        help="also delete the image's signatures, attestations and SBOMs",
    )
    undo = sub.add_parser(
        "undo", help="restore a deleted image or tag from the journal"
    )
    undo.add_argument(
        "entry",
        nargs="?",
        help="journal entry id or a unique prefix (default: the last delete that "
        "is not undone yet)",
    )
    undo.add_argument(
        "--last", action="store_true", help="the last delete that is not undone yet"
    )
    undo.add_argument("--list", action="store_true", help="list the journal")
    lifecycle = sub.add_parser("policy", help="ECR lifecycle policies on any registry")
    steps = lifecycle.add_subparsers(dest="policy_command", required=True)
    check = steps.add_parser("validate", help="check a policy file as ECR would")
    check.add_argument("file", help="the lifecycle policy JSON")
    show = steps.add_parser("preview", help="what a policy would expire, and why")
    show.add_argument("repository", nargs="?", help="HOST[:PORT]/REPOSITORY")
    show.add_argument(
        "--images", metavar="FILE", help="an 'aws ecr describe-images' JSON export"
    )
    run = steps.add_parser("apply", help="expire what the preview expires")
    run.add_argument("repository", help="HOST[:PORT]/REPOSITORY")
    run.add_argument("-y", "--yes", action="store_true", help="do not ask to confirm")
    for each in (show, run):
        each.add_argument("--policy", required=True, metavar="FILE", help="policy JSON")
        each.add_argument(
            "--at", metavar="TIME", help="evaluate at this instant (default: now)"
        )
        each.add_argument("--json", action="store_true", help="print JSON")
    for each in (repos, tags, inspect, rm, undo, check, show, run):
        _common(each, top=False)
    return parser
