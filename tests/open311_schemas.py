"""GeoReport v2's published JSON Schemas (../shared/reference), for contract tests."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

FOLDER = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "open311-georeport-v2-schemas"
)
if not FOLDER.exists():  # a checkout outside /work/wt/<name>
    FOLDER = Path("/work/shared/reference/open311-georeport-v2-schemas")


@cache
def schema(name: str) -> dict[str, Any]:
    """One schema file, or a swagger definition (`RequestResponse`, `TokenResponse`)."""
    if name.endswith(".json"):
        loaded: dict[str, Any] = json.loads((FOLDER / name).read_text())
        return loaded
    definitions: dict[str, Any] = json.loads((FOLDER / "swagger.json").read_text())["definitions"]
    return {**definitions[name], "additionalProperties": False}


@cache
def _registry() -> Registry[Any]:
    names = ("request.json", "requests.json", "service.json", "services.json")
    return Registry().with_resources(  # type: ignore[no-any-return]
        (n, Resource.from_contents(schema(n), default_specification=_draft())) for n in names
    )


def _draft() -> Any:
    from referencing.jsonschema import DRAFT7

    return DRAFT7


def check(document: Any, name: str) -> None:
    """Validate a document; an array document also has each element checked on its own."""
    validator = Draft7Validator(schema(name), registry=_registry())
    validator.validate(document)
    element = {"requests.json": "request.json", "services.json": "service.json"}.get(name)
    if element:
        assert isinstance(document, list)
        for item in document:
            Draft7Validator(schema(element), registry=_registry()).validate(item)


def check_each(document: Any, definition: str) -> None:
    """Each element of an array against a swagger definition (POST answers, tokens)."""
    assert isinstance(document, list) and document
    for item in document:
        Draft7Validator(schema(definition)).validate(item)


# --- the schemas this project publishes for mySociety's servicerequestupdates ---------------

PUBLISHED = Path(__file__).resolve().parents[1] / "services" / "faces" / "open311" / "schemas"


def check_updates(document: Any) -> None:
    """A servicerequestupdates.json answer against the published JSON Schema."""
    published = json.loads((PUBLISHED / "servicerequestupdates.json").read_text())
    Draft7Validator(published, format_checker=_DATETIMES).validate(document)


_DATETIMES = FormatChecker(formats=())


@_DATETIMES.checks("date-time", raises=ValueError)
def _w3c(value: object) -> bool:
    """A W3C datetime with its offset (jsonschema checks none without an extra package)."""
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def check_updates_xml(content: bytes) -> None:
    """A servicerequestupdates.xml answer against the published XSD."""
    import xmlschema

    xmlschema.XMLSchema(PUBLISHED / "servicerequestupdates.xsd").validate(content.decode())
