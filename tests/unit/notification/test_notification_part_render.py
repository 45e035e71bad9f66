"""A template's parts rendered alone (the ones a channel sends) are what the whole gives."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, TemplateError

from notification.adapters.jinja_prepared import PARTS, _Prepared
from notification.adapters.jinja_renderer import JinjaRenderer, template_environment
from notification.application.composer import PLAIN, SENT
from tests.unit.notification.golden_renders import VARIANTS, values

ASKED = [PLAIN, *SENT.values(), *((part,) for part in PARTS)]


@pytest.mark.parametrize("parts", ASKED, ids="+".join)
def test_the_parts_a_channel_sends_render_alone_as_the_whole_template_renders_them(
    parts: tuple[str, ...],
) -> None:
    renderer = JinjaRenderer()
    for template in renderer.template_names():
        for i in range(VARIANTS):
            whole = renderer.render(template, values(i))
            alone = renderer.render(template, values(i), parts=parts)
            for part in PARTS:
                expected = getattr(whole, part) if part in parts else ""
                assert getattr(alone, part) == expected, (template, part, i)


def test_every_message_template_is_compiled_apart_for_its_parts() -> None:
    renderer = JinjaRenderer()
    for template in renderer.template_names():
        prepared = renderer._ready(f"{template}.j2", ("subject", "short"))
        assert prepared is not None and set(prepared.blank) == {"body", "public"}, template


def env_of(**sources: str) -> JinjaRenderer:
    env = template_environment()
    env.loader = DictLoader({f"{name}.j2": text for name, text in sources.items()})
    return JinjaRenderer(env)


@pytest.mark.parametrize(
    "source",
    [
        "{% if x %}{% set subject %}a{% endset %}{% endif %}{% set body %}b{% endset %}",
        "{% set subject %}a{% endset %}{% set body %}{{ subject }}b{% endset %}",
        "{% set subject | upper %}a{% endset %}{% set body %}b{% endset %}",
        "{% set subject %}a{% endset %}{{ x }}{% set body %}b{% endset %}",
    ],
)
def test_a_template_with_more_than_imports_and_parts_at_its_top_renders_whole(
    source: str,
) -> None:
    renderer = env_of(t=source)
    prepared = _Prepared.of(renderer._template("t.j2"), ("body",))
    assert prepared is not None and prepared.blank == {}
    alone = renderer.render("t", {"x": 1}, parts=("body",))
    assert (alone.subject, alone.body) == ("", renderer.render("t", {"x": 1}).body)


def test_a_template_without_a_body_fails_even_when_only_its_subject_is_asked() -> None:
    renderer = env_of(t="{% set subject %}a{% endset %}")
    with pytest.raises(TemplateError, match="does not set body"):
        renderer.render("t", {}, parts=("subject",))


def test_the_html_part_is_made_of_the_subject_and_body_whatever_parts_are_asked() -> None:
    renderer = JinjaRenderer()
    whole = renderer.render("case_opened", values(0), html=True)
    alone = renderer.render("case_opened", values(0), html=True, parts=("short",))
    assert (alone.subject, alone.body, alone.html) == (whole.subject, whole.body, whole.html)
