"""Versioned models in routing's own database; the service follows the installed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.adapters.artefact import InstalledRouter, load_model
from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.model import TextModel
from routing.adapters.model_bytes import from_bytes, to_bytes
from routing.adapters.model_store import BUILT, ModelStore, UnknownModelVersion
from routing.domain.router import RoutableReport


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore.at(f"sqlite:///{tmp_path / 'routing-views.sqlite'}")


def strict(model: TextModel) -> TextModel:
    """The same model, sending everything to triage."""
    return TextModel(model.scorer, model.temperature, 1.0, {"note": "strict"})


def test_a_stored_model_reads_back_as_the_same_model() -> None:
    model = load_model()
    again = from_bytes(to_bytes(model))
    texts = ["air pdam mati sejak subuh", "jalan rusak berlubang"]
    assert again.probabilities(texts) == model.probabilities(texts)
    assert (again.threshold, again.classes) == (model.threshold, model.classes)


def test_versions_are_listed_and_the_last_install_is_in_use(store: ModelStore) -> None:
    assert store.installed() == BUILT
    first = store.add(load_model(), "first")
    second = store.add(strict(load_model()), "second")
    assert [v.version for v in store.versions()] == [first, second] == [1, 2]
    store.install(second, "test")
    assert store.installed() == second
    store.install(BUILT, "roll back")
    assert store.installed() == BUILT
    with pytest.raises(UnknownModelVersion):
        store.install(7, "no such version")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_service_router_follows_an_install_without_a_restart(store: ModelStore) -> None:
    clock = Clock()
    router = InstalledRouter(store, HybridRouter, load_model, check_seconds=5, now=clock)
    report = RoutableReport("", "air PDAM tidak mengalir sejak subuh, pipa bocor")
    assert not router.route(report).triage
    store.install(store.add(strict(load_model()), "strict"), "test")
    assert not router.route(report).triage  # not checked again yet
    clock.now = 5.0
    assert router.route(report).triage
    assert router.version == 1
    store.install(BUILT, "roll back")
    clock.now = 10.0
    assert not router.route_many([report])[0].triage
    assert router.version == BUILT


def test_a_store_that_cannot_be_read_leaves_the_model_in_hand(tmp_path: Path) -> None:
    broken = ModelStore.at(f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite'}")
    router = InstalledRouter(broken, HybridRouter, load_model, check_seconds=5)
    decision = router.route(RoutableReport("", "air PDAM tidak mengalir sejak subuh"))
    assert decision.code == "PDAM"


def test_lapor_routing_models_and_use_on_the_service_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from services.cli.main import app as cli

    monkeypatch.delenv("LAPOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("LAPOR_STATE_DIR", str(tmp_path))
    store = ModelStore.at(f"sqlite:///{tmp_path / 'routing-views.sqlite'}")
    version = store.add(load_model(), "by hand")
    runner = CliRunner()
    assert runner.invoke(cli, ["routing", "use", str(version)]).exit_code == 0
    assert store.installed() == version
    listed = runner.invoke(cli, ["routing", "models"])
    assert f"* {version}  " in listed.output and "  0  " in listed.output
    unknown = runner.invoke(cli, ["routing", "use", "99"])
    assert unknown.exit_code == 2 and store.installed() == version
