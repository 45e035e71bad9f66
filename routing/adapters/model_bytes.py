"""A trained model as bytes for the model store: plain arrays and JSON, never a pickle."""

from __future__ import annotations

import io
import json

from routing.adapters.model import FORMAT, LinearScorer, TextModel


def to_bytes(model: TextModel) -> bytes:
    """The model as plain arrays and JSON (no pickle): what the model store keeps."""
    import numpy as np

    scorer = model.scorer
    if not isinstance(scorer, LinearScorer):
        raise TypeError(f"only an exported LinearScorer is stored, not {type(scorer).__name__}")
    header = {
        "format": FORMAT,
        "classes": list(scorer.classes_),
        "vocabularies": [vocabulary for vocabulary, _ in scorer.blocks],
        "temperature": model.temperature,
        "threshold": model.threshold,
        "metrics": model.metrics,
    }
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        idf0=scorer.blocks[0][1],
        idf1=scorer.blocks[1][1],
        coef=scorer.coef,
        intercept=scorer.intercept,
    )
    return buffer.getvalue()


def from_bytes(data: bytes) -> TextModel:
    """A model written by `to_bytes`; ValueError if it is not one."""
    import numpy as np

    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        header = json.loads(stored["header"].tobytes())
        if header.get("format") != FORMAT:
            raise ValueError(f"stored model format {header.get('format')}, expected {FORMAT}")
        words, chars = header["vocabularies"]
        scorer = LinearScorer(
            header["classes"],
            [(words, stored["idf0"]), (chars, stored["idf1"])],
            stored["coef"],
            stored["intercept"],
        )
    return TextModel(scorer, header["temperature"], header["threshold"], header["metrics"])
