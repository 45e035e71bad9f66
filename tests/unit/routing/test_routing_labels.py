"""The admin's choices become labelled data in the reference examples' format."""

from __future__ import annotations

import json

from routing_helpers import Feed, accepted

from routing.application.app import RoutingApplication
from routing.application.labels import admin_labels
from routing.entrypoints.lines import parse

UNCLEAR = "mohon diperhatikan, sudah lama begini terus"


def test_a_report_the_admin_disposed_is_exported_with_the_admins_choice(
    app: RoutingApplication, feed: Feed
) -> None:
    unsure, clear = (
        accepted(UNCLEAR, title="Keluhan", kecamatan="Banjarmasin Timur"),
        accepted("air PDAM mati sejak pagi, meteran air juga bocor"),
    )
    feed(unsure, clear)
    app.dispose_by_hand(unsure.tracking_id, "DPUPR", "jalan kota")
    app.dispose_by_hand(unsure.tracking_id, "DLH", "ternyata sampah")
    [row] = list(admin_labels(app))
    assert row["id"] == unsure.tracking_id
    assert (row["expected_skpd"], row["title"], row["text"]) == ("DLH", "Keluhan", UNCLEAR)
    assert row["location"]["kecamatan"] == "Banjarmasin Timur"
    assert {"id", "channel", "kind", "title", "text", "location", "expected_skpd"} <= set(row)
    parse(json.dumps(row))  # `lapor route` and `lapor routing train` read it back


def test_nothing_is_exported_when_the_admin_chose_nothing(
    app: RoutingApplication, feed: Feed
) -> None:
    feed(accepted(UNCLEAR))
    assert list(admin_labels(app)) == []
