"""Removing one tag from a registry that has no tag delete.

``DELETE /v2/<name>/manifests/<digest>`` removes every tag on that digest, and
many registries (CNCF Distribution 2.x among them) refuse ``DELETE`` by tag.
So the tag is pointed at a tiny placeholder manifest of tagyard's own, which
is then deleted by digest: only that one tag goes, and the image keeps its
other tags. This needs push rights, and it is only started once the registry
has shown that it deletes at all, since a placeholder it then refused to delete
would leave the tag pointing at the wrong image.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from . import mediatypes as mt
from .errors import DeleteUnsupported, RegistryError
from .models import DeleteOutcome, DeletePath
from .reference import short_digest

if TYPE_CHECKING:
    from .client import RegistryClient

__all__ = ["placeholder_manifest", "untag_with_placeholder"]

_EMPTY_JSON = b"{}"
_ABSENT_DIGEST = "sha256:" + "0" * 64


async def untag_with_placeholder(
    client: RegistryClient, repository: str, tag: str, digest: str
) -> DeleteOutcome:
    """Remove ``tag`` (now on ``digest``) by way of a placeholder manifest."""
    # Deleting a digest that cannot exist changes nothing, and tells "deletes
    # are off" (405, raised here) from "deletes work" (404, taken as done).
    try:
        await client.delete_manifest(repository, _ABSENT_DIGEST)
    except DeleteUnsupported as error:
        raise _reworded(
            error,
            f"{client.host} refuses deletes, so the tag {repository}:{tag} cannot "
            "be removed (nothing was changed)",
        ) from error

    try:
        config = await client.upload_blob(repository, _EMPTY_JSON)
        raw = placeholder_manifest(config, tag)
        placeholder = await client.put_manifest(repository, tag, mt.OCI_MANIFEST, raw)
    except RegistryError as error:
        raise _reworded(
            error,
            f"{client.host} cannot delete the tag {tag} alone: it has no tag "
            f"delete, and pointing the tag elsewhere failed ({error.message})",
            "Deleting the image by digest would also remove every other tag on it",
        ) from error

    try:
        await client.delete_manifest(repository, placeholder)
    except DeleteUnsupported as error:
        raise _reworded(
            error,
            f"the tag {tag} now points at a placeholder manifest {placeholder}, "
            "which the registry refused to delete",
        ) from error
    return DeleteOutcome(
        DeletePath.PLACEHOLDER,
        digest,
        (tag,),
        note=f"moved {tag} onto placeholder {short_digest(placeholder)}, "
        "then deleted it",
    )


def _reworded(
    error: RegistryError, message: str, hint: str | None = None
) -> DeleteUnsupported:
    """``error`` told in terms of the tag, keeping its status, code and URL."""
    return DeleteUnsupported(
        message,
        status=error.status,
        code=error.code,
        url=error.url,
        hint=hint or error.hint,
    )


def placeholder_manifest(config_digest: str, tag: str) -> bytes:
    """A tiny OCI manifest, unique per call, that marks itself as tagyard's."""
    empty = {"mediaType": mt.OCI_EMPTY, "digest": config_digest, "size": 2}
    document = {
        "schemaVersion": 2,
        "mediaType": mt.OCI_MANIFEST,
        "config": empty,
        "layers": [empty],
        "annotations": {
            "org.opencontainers.image.description": "tagyard placeholder for "
            f"removing the tag {tag}",
            "dev.tagyard.placeholder": str(uuid.uuid4()),
        },
    }
    return json.dumps(document, separators=(",", ":")).encode()
