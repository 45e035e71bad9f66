"""The router as the service and `lapor route` build it: the model, loaded once, kept current.

Without a model store the model is the build artefact. With one (the service), the installed
version is checked every few seconds and a newly installed one replaces the model in use without a
restart, so every replica follows `lapor routing train --with-decisions` and `lapor routing use`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.keyword_router import KeywordRouter
from routing.adapters.model import DEFAULT_PATH, TextModel
from routing.domain.router import RoutableReport, RoutingDecision
from shared.logging import get_logger

if TYPE_CHECKING:  # the database layer is not loaded by `lapor route`
    from routing.adapters.model_store import ModelStore

log = get_logger(__name__)
_loaded: dict[Path, TextModel] = {}
_lock = threading.Lock()


def load_model(path: Path | None = None) -> TextModel:
    """The model at `path` (default: the build artefact), read once per process.

    A checkout where `make install` has not built it yet gets one trained now (no
    cross-validation, so the threshold is the lexicon's default), and is told so.
    """
    path = (path or DEFAULT_PATH).resolve()
    with _lock:
        if path not in _loaded:
            _loaded[path] = _read_or_train(path)
        return _loaded[path]


def _read_or_train(path: Path) -> TextModel:
    if path.exists():
        return TextModel.load(path)
    from routing.adapters.training import quick_model

    log.warning("router-model-missing", path=str(path), hint="run `lapor routing train`")
    return quick_model()


class InstalledRouter:
    """The hybrid router over the installed model version, re-checked every `check_seconds`."""

    def __init__(
        self,
        store: ModelStore,
        build: Callable[[TextModel], HybridRouter],
        built: Callable[[], TextModel],
        *,
        check_seconds: float = 5.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._build = build
        self._built = built
        self._check_seconds = check_seconds
        self._now = now
        self._lock = threading.Lock()
        self.version: int | None = None
        self._router: HybridRouter | None = None
        self._checked = float("-inf")

    @property
    def router(self) -> HybridRouter:
        """The router of the installed version (checked at most every `check_seconds`)."""
        with self._lock:
            if self._router is None or self._now() - self._checked >= self._check_seconds:
                self._refresh()
            assert self._router is not None  # _refresh always leaves one
            return self._router

    @property
    def threshold(self) -> float:
        """The triage threshold of the model in use."""
        return self.router.threshold

    def route(self, report: RoutableReport) -> RoutingDecision:
        """The decision for one report."""
        return self.router.route(report)

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]:
        """Decisions for many reports with the installed model."""
        return self.router.route_many(reports)

    def _refresh(self) -> None:
        from routing.adapters.model_store import BUILT

        self._checked = self._now()
        try:
            version = self._store.installed()
            if version == self.version and self._router is not None:
                return
            model = self._built() if version == BUILT else self._store.load(version)
        except Exception as error:  # the store is down: keep routing with the model in hand
            log.warning("router-model-check-failed", error=repr(error)[:300])
            if self._router is None:
                self._router = self._build(self._built())
            return
        self._router = self._build(model)
        if self.version is not None or version != BUILT:
            log.info("router-model-installed", version=version, previous=self.version)
        self.version = version


def _builder(threshold: float | None, max_candidates: int) -> Callable[[TextModel], HybridRouter]:
    def build(model: TextModel) -> HybridRouter:
        return HybridRouter(
            model,
            KeywordRouter(max_candidates=max_candidates),
            threshold=threshold,
            max_candidates=max_candidates,
        )

    return build


def load_router(
    path: Path | None = None, *, threshold: float | None = None, max_candidates: int = 5
) -> HybridRouter:
    """The hybrid router over the model at `path` and the lexicon."""
    return _builder(threshold, max_candidates)(load_model(path))


def installed_router(
    store: ModelStore,
    path: Path | None = None,
    *,
    threshold: float | None = None,
    max_candidates: int = 5,
    check_seconds: float = 5.0,
) -> InstalledRouter:
    """The hybrid router over the store's installed model (`path`'s model for version 0)."""
    return InstalledRouter(
        store,
        _builder(threshold, max_candidates),
        lambda: load_model(path),
        check_seconds=check_seconds,
    )
