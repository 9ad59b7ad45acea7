"""The OCDS 1.1 release-package schema with the UK extension applied, from the copies in procurement/standards/
(see its README for where they came from), as a jsonschema validator."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

STANDARDS = Path(__file__).resolve().parent / "standards"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch, how OCDS extensions change the release schema: objects merge key by key, a null
    removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _read(path: str) -> dict[str, Any]:
    return json.loads((STANDARDS / path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def release_schema() -> dict[str, Any]:
    """OCDS 1.1's release schema patched with the UK extension."""
    return merge_patch(_read("ocds-1.1/release-schema.json"), _read("ocds-uk-extension/release-schema.json"))


def package_validator():
    """A validator of a release package whose releases are checked against release_schema() (the package schema
    names the release schema by its published URL; it is resolved to our patched copy, offline)."""
    # Imported here: jsonschema is a test dependency (pyproject.toml), and only the tests validate.
    from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    package = _read("ocds-1.1/release-package-schema.json")
    release = release_schema()
    registry = Registry().with_resources(
        [
            (release["id"], DRAFT4.create_resource(release)),
            (package["id"], DRAFT4.create_resource(package)),
        ]
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())
