"""The router as the service and `lapor route` build it: the model artefact, loaded once."""

from __future__ import annotations

import threading
from pathlib import Path

from routing.adapters.hybrid_router import HybridRouter
from routing.adapters.keyword_router import KeywordRouter
from routing.adapters.model import DEFAULT_PATH, TextModel
from shared.logging import get_logger

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


def load_router(
    path: Path | None = None, *, threshold: float | None = None, max_candidates: int = 5
) -> HybridRouter:
    """The hybrid router over the model at `path` and the lexicon."""
    return HybridRouter(
        load_model(path),
        KeywordRouter(max_candidates=max_candidates),
        threshold=threshold,
        max_candidates=max_candidates,
    )
