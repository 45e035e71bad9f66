"""Imported macros bound once, and their constant calls as text: what Jinja's import gives."""

from __future__ import annotations

import itertools

import pytest
from jinja2 import DictLoader

from notification.adapters.jinja_renderer import JinjaRenderer, template_environment

PARTIAL = (
    '{% macro m(a="satu") %}{{ a }} {{ "ya" if a else "tidak" }} {{ g }}{% endmacro %}'
    "{% macro n(a) %}{{ a | upper }}{% endmacro %}"
    "{% macro t() %}{{ ticker }}{% endmacro %}"
)
TEMPLATES = {
    "calls": '{{ m() }}|{{ m("dua") }}|{{ m(a=0) }}|{{ k("x") }}|{{ m(a=x) }}|{{ m }}',
    "shadowed": '{% set m = k %}{{ m("y") }}',
    "changing": "{{ t() }}",
}


class Ticker:
    """A global whose text changes each time it is read."""

    def __init__(self) -> None:
        self.count = itertools.count()

    def __str__(self) -> str:
        return str(next(self.count))


def renderer() -> JinjaRenderer:
    env = template_environment()
    env.globals.update(g="global <g>", ticker=Ticker())
    sources = {"p.j2": PARTIAL}
    for name, body in TEMPLATES.items():
        sources[f"{name}.j2"] = (
            '{% from "p.j2" import m, n as k, t %}'
            f"{{% set subject %}}{body}{{% endset %}}{{% set body %}}b{{% endset %}}"
        )
    env.loader = DictLoader(sources)
    return JinjaRenderer(env)


def jinjas_own(renderer: JinjaRenderer, name: str, values: dict[str, object]) -> str:
    return str(renderer._template(f"{name}.j2").make_module(values).subject)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["calls", "shadowed"])
@pytest.mark.parametrize("parts", [None, ("subject",)])
def test_bound_macros_and_their_constant_calls_render_as_jinjas_import_gives(
    name: str, parts: tuple[str, ...] | None
) -> None:
    ours = renderer()
    for values in ({"x": "<b>"}, {"x": "", "m": "a value named as the macro", "k": 1}):
        rendered = ours.render(name, values, parts=parts)
        assert rendered.subject == jinjas_own(ours, name, values)


def test_a_macro_that_reads_a_changing_global_runs_on_each_render() -> None:
    ours = renderer()
    texts = [ours.render("changing", {}, parts=("subject",)).subject for _ in range(3)]
    assert len(set(texts)) == 3


def test_every_message_template_binds_its_imports_once() -> None:
    ours = JinjaRenderer()
    for template in ours.template_names():
        source = ours._env.loader.get_source(ours._env, f"{template}.j2")[0]  # type: ignore[union-attr]
        prepared = ours._ready(f"{template}.j2")
        assert prepared is not None
        assert bool(prepared.bound) == ("{% from" in source), template
