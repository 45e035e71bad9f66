"""Message templates rendered with Jinja2 from `notification/templates/*.j2`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateError

from notification.application.ports import Rendered
from shared.clock import WITA

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
PARTS = ("subject", "body", "short")


def tanggal(moment: datetime) -> str:
    """A date as Banjarmasin reads it: "5 Desember 2026" (WITA)."""
    local = moment.astimezone(WITA)
    return f"{local.day} {BULAN[local.month - 1]} {local.year}"


def template_environment() -> Environment:
    """The Jinja2 environment of the message templates (plain text: no HTML escaping)."""
    env = Environment(
        loader=PackageLoader("notification", "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tanggal"] = tanggal
    return env


class JinjaRenderer:
    """Renders a template's `subject`, `body` and `short` parts (each a `{% set %}` block)."""

    def __init__(self, env: Environment | None = None) -> None:
        self._env = env or template_environment()

    def render(self, template: str, context: Mapping[str, object]) -> Rendered:
        """The three parts of one template, rendered with the given values."""
        module = self._env.get_template(f"{template}.j2").make_module(dict(context))
        missing = [part for part in PARTS if not hasattr(module, part)]
        if missing:
            raise TemplateError(f"template {template} does not set {', '.join(missing)}")
        parts = {part: str(getattr(module, part)).strip() for part in PARTS}
        return Rendered(**parts)

    def template_names(self) -> list[str]:
        """The message templates available (partials starting with "_" excluded)."""
        names = self._env.list_templates(extensions=["j2"])
        return [name.removesuffix(".j2") for name in names if not name.startswith("_")]
