"""Templates rendered from their prepared state give what Jinja's own render gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError

from notification.adapters.jinja_renderer import JinjaRenderer, _Prepared, template_environment
from notification.adapters.tables import SqlIndexes
from notification.application.channels import ChannelRule
from notification.application.composer import Composer
from notification.application.ports import Rendered
from notification.application.service import NotificationApplication
from notification.bootstrap import mailboxes
from shared import contracts
from shared.clock import FixedClock
from shared.contracts import Channel
from shared.directory import CITY_ADMIN
from shared.messaging.relay import Outgoing
from tests.unit.notification.conftest import IN_MEMORY
from tests.unit.notification.test_notification_html_part import MARKUP
from tests.unit.notification.test_notification_ruled_output import every_message

Render = tuple[str, bool, Rendered, Rendered]  # template, html asked, prepared way, Jinja's way


class JinjasOwnWay(JinjaRenderer):
    """The renderer with no template prepared: every render through Jinja's `make_module` and
    `Template.render`, as before."""

    def _ready(self, name: str, parts: tuple[str, ...] | None = None) -> _Prepared | None:
        return None


class BothWays(JinjaRenderer):
    """Renders each message the prepared way, and Jinja's own way beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.stock = JinjasOwnWay()
        self.renders: list[Render] = []

    def render(
        self,
        template: str,
        context: Mapping[str, object],
        *,
        html: bool = False,
        parts: tuple[str, ...] | None = None,
    ) -> Rendered:
        ours = super().render(template, context, html=html, parts=parts)
        theirs = self.stock.render(template, context, html=html, parts=parts)
        self.renders.append((template, html, ours, theirs))
        return ours


@pytest.fixture
def renderer() -> BothWays:
    return BothWays()


@pytest.fixture
def app(clock: FixedClock, renderer: BothWays) -> Iterator[NotificationApplication]:
    application = NotificationApplication(
        env=IN_MEMORY,
        composer=Composer(renderer, mailboxes(), CITY_ADMIN),
        clock=clock,
        indexes=SqlIndexes,
    )
    yield application
    application.close()


@pytest.mark.parametrize("channel", ChannelRule.packaged().answer_channels())
def test_every_message_on_every_channel_renders_as_jinjas_own_render_gives(
    app: NotificationApplication,
    renderer: BothWays,
    make_case: Callable[..., Any],
    process: Callable[..., Any],
    published: Callable[[], list[Outgoing]],
    clock: FixedClock,
    channel: Channel,
) -> None:
    original = make_case(contracts.CaseOpened, tracking_id="LPR-ASLI0001", channel=channel)
    duplicate = make_case(
        contracts.CaseLinkedAsDuplicate,
        tracking_id="LPR-GANDA001",
        channel=channel,
        duplicate_of_report_id=original.report_id,
        duplicate_of_tracking_id=original.tracking_id,
    )
    moved = make_case(
        contracts.FollowUpPosted,
        report_id=original.report_id,
        tracking_id=original.tracking_id,
        channel=channel,
        text=MARKUP,
        skpd_code="PDAM",
    )
    process(original, duplicate)
    process(moved, make_case(contracts.CaseHeld, channel=channel, reason=MARKUP))
    every_message(app, make_case, process, published, clock, channel)
    rendered = {template for template, *_ in renderer.renders}
    assert rendered == set(renderer.template_names())
    assert any(html for _, html, *_ in renderer.renders)
    for template, _, ours, theirs in renderer.renders:
        assert ours == theirs, template


def test_a_template_that_extends_another_or_changes_autoescape_takes_jinjas_own_way() -> None:
    env = Environment(
        loader=DictLoader(
            {
                "base.j2": "{% block body %}{% endblock %}",
                "child.j2": '{% extends "base.j2" %}{% block body %}x{% endblock %}',
                "escaping.j2": "{% autoescape true %}{{ x }}{% endautoescape %}",
                "plain.j2": "{% set subject %}{{ x }}{% endset %}",
            }
        )
    )
    prepared = {name: _Prepared.of(env.get_template(name)) for name in env.list_templates()}
    assert [name for name, found in prepared.items() if found is not None] == ["plain.j2"]


def test_a_value_missing_from_the_context_fails_the_render_as_it_did() -> None:
    env = template_environment()
    env.undefined = StrictUndefined
    with pytest.raises(UndefinedError, match="tracking_id"):
        JinjaRenderer(env).render("case_opened", {"due_at": None, "berhenti": False})
