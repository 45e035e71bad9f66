"""Every template on every channel renders, byte for byte, what main's code rendered."""

from __future__ import annotations

import json

from notification.adapters.jinja_renderer import JinjaRenderer
from tests.unit.notification.golden_renders import GOLDEN, digests


def test_every_template_on_every_channel_renders_what_mains_code_rendered() -> None:
    golden = json.loads(GOLDEN.read_text())
    found = digests(JinjaRenderer())
    assert sorted(found) == sorted(golden)
    changed = [
        (template, channel)
        for template, channels in golden.items()
        for channel, digest in channels.items()
        if found[template].get(channel) != digest
    ]
    assert changed == []
