"""The e-mail's layout rendered by joining its pieces: what Jinja's own render gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import DictLoader, UndefinedError
from markupsafe import Markup, escape

from notification.adapters.jinja_flat import Flat, escaped
from notification.adapters.jinja_renderer import (
    HTML_LAYOUT,
    JinjaRenderer,
    alinea,
    template_environment,
)
from tests.unit.notification.golden_renders import NAMES, TEXTS, TRACKING_IDS

TEXT = st.text(st.sampled_from("ab <>&'\"\n\r\t—👍") | st.characters(), max_size=60)


@given(TEXT)
def test_a_plain_string_is_escaped_as_markupsafe_escapes_it(text: str) -> None:
    assert escaped(text) == str(escape(text))


@given(st.lists(TEXT | TEXT.map(Markup), max_size=4))
def test_the_paragraphs_are_escaped_as_markupsafe_escapes_them(paragraphs: list[str]) -> None:
    expected = "".join(
        "<p>" + str.replace(escape(p), "\n", "<br>\n") + "</p>\n" for p in paragraphs
    )
    assert alinea(paragraphs) == Markup(expected)


@pytest.mark.parametrize("subject", [*NAMES, Markup("<b>tebal</b>"), 42])
@pytest.mark.parametrize("tracking_id", TRACKING_IDS)
def test_the_layout_joined_from_its_pieces_is_what_jinja_renders(
    subject: object, tracking_id: str
) -> None:
    renderer = JinjaRenderer()
    template = renderer._template(HTML_LAYOUT)
    flat = Flat.of(template)
    assert flat is not None
    for paragraphs in ([], list(TEXTS), [Markup("<i>x</i>")]):
        values = {"subject": subject, "paragraphs": paragraphs, "tracking_id": tracking_id}
        assert flat.render(values) == template.render(values)


@pytest.mark.parametrize(
    "source",
    [
        "{% if x %}a{% endif %}",
        "{{ x ~ 'a' }}",
        "{{ x | replace('a', 'b') }}",
        "{{ x | upper }}{% set y = 1 %}",
        "{{ 'a' }}",
        "{{ x.y }}",
    ],
)
def test_a_template_with_more_than_text_names_and_plain_filters_is_not_flat(source: str) -> None:
    env = template_environment()
    env.loader = DictLoader({"t.html.j2": source})
    assert Flat.of(env.get_template("t.html.j2")) is None


def test_a_missing_value_fails_the_page_as_jinja_does() -> None:
    with pytest.raises(UndefinedError, match="tracking_id"):
        JinjaRenderer()._page(HTML_LAYOUT, {"subject": "s", "paragraphs": []})
