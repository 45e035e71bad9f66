"""The e-mail's HTML part, its paragraphs made by one filter: what Jinja's own filters gave."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader, pass_eval_context
from jinja2.filters import do_replace
from jinja2.nodes import EvalContext
from markupsafe import Markup

from notification.adapters.jinja_renderer import (
    HTML_LAYOUT,
    JinjaRenderer,
    alinea,
    paragraf,
    template_environment,
)
from notification.application.channels import ChannelRule
from notification.application.composer import Composer, Draft
from notification.bootstrap import mailboxes
from shared import contracts
from shared.contracts import Channel
from shared.directory import CITY_ADMIN
from tests.unit.notification.test_notification_templates import every_case

ALINEA = "{{ paragraphs | alinea }}"
MARKUP = 'Pipa <b>"bocor"</b> & rembes\ndi Jl. A. Yani km 3 > 2\r\n\n\nbaris <br> sendiri\n'


@pass_eval_context
def stock_paragraf(eval_ctx: EvalContext, text: str) -> str:
    """What the layout said before: `replace("\\n", "<br>\\n" | safe)`, Jinja's own filter."""
    return do_replace(eval_ctx, text, "\n", Markup("<br>\n"))


def stock_renderer() -> JinjaRenderer:
    """The layout as it was: a loop over the paragraphs, each through Jinja's own filter."""
    env = template_environment()
    assert env.loader is not None
    layout = env.loader.get_source(env, HTML_LAYOUT)[0]
    loop = "{% for paragraph in paragraphs %}\n<p>{{ paragraph | paragraf }}</p>\n{% endfor %}\n"
    assert ALINEA in layout
    env.loader = ChoiceLoader([DictLoader({HTML_LAYOUT: layout.replace(ALINEA, loop)}), env.loader])
    env.filters["paragraf"] = stock_paragraf
    return JinjaRenderer(env)


def drafts(renderer: JinjaRenderer, events: list[Any]) -> list[Draft]:
    composer = Composer(renderer, mailboxes(), CITY_ADMIN)
    return [draft for event in events for draft in composer.compose(event, ("email",))]


def test_a_paragraph_is_escaped_and_keeps_its_line_breaks() -> None:
    assert paragraf('a < "b"\nc & d') == Markup("a &lt; &#34;b&#34;<br>\nc &amp; d")


def test_each_paragraph_is_its_own_escaped_html_paragraph() -> None:
    expected = Markup("<p>a &lt; b<br>\nc</p>\n<p>&amp;</p>\n")
    assert alinea(["a < b\nc", "&"]) == expected and alinea([]) == Markup("")


@pytest.mark.parametrize("channel", ChannelRule.packaged().answer_channels())
def test_every_template_on_every_channel_renders_what_jinjas_own_filters_gave(
    make_case: Callable[..., Any], channel: Channel
) -> None:
    events = every_case(make_case, channel)
    events += [
        make_case(contracts.FollowUpPosted, channel=channel, text=MARKUP, skpd_code="PDAM"),
        make_case(contracts.CaseHeld, channel=channel, reason=MARKUP),
    ]
    ours, stock = drafts(JinjaRenderer(), events), drafts(stock_renderer(), events)
    assert any(draft.html for draft in ours)
    assert [(d.subject, d.text, d.html) for d in ours] == [
        (d.subject, d.text, d.html) for d in stock
    ]
