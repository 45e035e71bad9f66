"""Message templates rendered with Jinja2 from `notification/templates/*.j2`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, TemplateError
from markupsafe import Markup, escape

from notification.adapters.jinja_flat import Flat, escaped
from notification.adapters.jinja_prepared import PARTS, REQUIRED, _Prepared
from notification.application.ports import Rendered
from shared.clock import WITA
from shared.contracts import STATUS_LINK_MARK

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
HTML_LAYOUT = "_email.html.j2"


def tanggal(moment: datetime) -> str:
    """A date as Banjarmasin reads it: "5 Desember 2026" (WITA)."""
    local = moment.astimezone(WITA)
    return f"{local.day} {BULAN[local.month - 1]} {local.year}"


def pukul(moment: datetime) -> str:
    """A date and time as Banjarmasin reads it: "5 Desember 2026 pukul 08.00 WITA"."""
    local = moment.astimezone(WITA)
    return f"{tanggal(moment)} pukul {local:%H.%M} WITA"


def paragraf(text: str) -> Markup:
    """A paragraph of the e-mail's HTML: escaped, its line breaks kept as `<br>` (what Jinja's
    `replace("\\n", "<br>\\n" | safe)` gives, in one pass instead of one escape per piece)."""
    return Markup(str(escape(text)).replace("\n", "<br>\n"))


def alinea(paragraphs: Iterable[str]) -> Markup:
    """The e-mail's paragraphs, each `<p>` its `paragraf` on a line of its own: what a loop
    over them in the layout gave, without a filter call, an escape of its result and the
    loop's yields per paragraph."""
    return Markup(
        "".join(["<p>" + str.replace(escaped(p), "\n", "<br>\n") + "</p>\n" for p in paragraphs])
    )


class _FlatGlobals(Environment):
    """Jinja's environment, each template's globals one plain dict taken when it is loaded.

    Jinja chains a template's globals to the environment's (a `ChainMap`), and every render
    walks that chain in Python three times: copying it into the context, listing its keys, and
    comparing them with an imported macro file's on each `{% from ... import %}`. The globals
    and filters are set before any template is loaded and never change after, so one dict per
    template says the same. The packaged templates never change either, so the macro file a
    template imports on every render (`{% from "_perintah.j2" import ... %}`) is found in a plain
    dict, not through Jinja's locked cache and its weak reference to the loader.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._loaded: dict[str, Template] = {}

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}

    def get_template(
        self,
        name: str | Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        if globals is not None or not isinstance(name, str):
            return super().get_template(name, parent, globals)
        found = self._loaded.get(name)
        if found is None:
            found = self._loaded[name] = super().get_template(name, parent)
        return found


def template_environment() -> Environment:
    """The Jinja2 environment of the message templates (HTML escaped only in `.html.j2`)."""
    env = _FlatGlobals(
        loader=PackageLoader("notification", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged templates: no file date checked per render and import
    )
    env.filters["tanggal"] = tanggal
    env.filters["pukul"] = pukul
    env.filters["paragraf"] = paragraf
    env.filters["alinea"] = alinea
    env.globals["tautan_status"] = STATUS_LINK_MARK
    return env


class JinjaRenderer:
    """Renders a template's parts (each a `{% set %}` block) and the e-mail's HTML part."""

    def __init__(self, env: Environment | None = None) -> None:
        self._env = env or template_environment()
        self._compiled: dict[str, Template] = {}  # the packaged templates do not change
        self._prepared: dict[tuple[str, tuple[str, ...] | None], _Prepared | None] = {}
        self._flat: dict[str, Flat | None] = {}

    def _template(self, name: str) -> Template:
        """A template compiled once, kept at hand (no look-up through Jinja's cache per use)."""
        found = self._compiled.get(name)
        if found is None:
            found = self._compiled[name] = self._env.get_template(name)
        return found

    def _ready(self, name: str, parts: tuple[str, ...] | None = None) -> _Prepared | None:
        key = (name, parts)
        if key not in self._prepared:
            self._prepared[key] = _Prepared.of(self._template(name), parts)
        return self._prepared[key]

    def _parts(
        self, name: str, context: Mapping[str, object], parts: tuple[str, ...] | None
    ) -> dict[str, Any]:
        prepared = self._ready(name, parts)
        if prepared is not None:
            return prepared.exported(context)
        module = self._template(name).make_module(dict(context))
        return {p: getattr(module, p) for p in PARTS if hasattr(module, p)}

    def _page(self, name: str, values: dict[str, object]) -> str:
        if name not in self._flat:
            self._flat[name] = Flat.of(self._template(name))
        flat = self._flat[name]
        text = None if flat is None else flat.render(values)
        if text is not None:
            return text
        prepared = self._ready(name)
        if prepared is not None:
            return prepared.render(values)
        return self._template(name).render(values)

    def render(
        self,
        template: str,
        context: Mapping[str, object],
        *,
        html: bool = False,
        parts: tuple[str, ...] | None = None,
    ) -> Rendered:
        """The parts of one template, rendered with the given values (only `parts`, when
        given: the others empty); the HTML part only when asked (e-mail), with the subject and
        body it is made of."""
        if html and parts is not None:
            parts = (*parts, *(p for p in REQUIRED if p not in parts))
        found = self._parts(f"{template}.j2", context, parts)
        missing = [part for part in REQUIRED if part not in found]
        if missing:
            raise TemplateError(f"template {template} does not set {', '.join(missing)}")
        text = {
            p: str(found.get(p, "")).strip() if parts is None or p in parts else "" for p in PARTS
        }
        if not html:
            return Rendered(**text)
        values: dict[str, object] = {
            "subject": text["subject"],
            "paragraphs": [p.strip() for p in text["body"].split("\n\n") if p.strip()],
            "tracking_id": context.get("tracking_id", ""),
        }
        return Rendered(**text, html=self._page(HTML_LAYOUT, values).strip())

    def template_names(self) -> list[str]:
        """The message templates available (partials starting with "_" excluded)."""
        names = self._env.list_templates(extensions=["j2"])
        return [name.removesuffix(".j2") for name in names if not name.startswith("_")]
