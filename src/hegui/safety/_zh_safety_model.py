"""The built-in classifier's files: load, check and hold the arrays (numpy only, no torch).

A model folder holds ``model.json`` (heads, calibration, operating points, risk ids, feature
settings, provenance), ``vocab.txt`` (one n-gram per line; the line number is its row) and
``weights.npz`` (``idf``, ``embed``, ``bias`` and, for the network shape, ``out_w``, ``out_b``).
The training script writes all three; any missing or damaged file is named in the error.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from hegui.errors import CorruptFileError
from hegui.safety._types import Direction
from hegui.safety._zh_safety_features import FeatureSpec, GramTable

__all__ = ["Head", "HeadInfo", "OperatingPoint", "ZhSafetyModel", "load_model"]

FORMAT = 1
"""``model.json`` ``format`` this code reads."""


class Head(StrEnum):
    """What one output of the model judges."""

    REQUEST = "request"
    """A harmful request (input side): the user asks for help with a crime, a harm, a slur."""
    OFFENSIVE = "offensive"
    """Offensive or discriminatory language (A.2), either side."""
    ANSWER = "answer"
    """A violating answer (output side), told apart from a safe answer on the same topic."""


@dataclass(frozen=True, slots=True)
class OperatingPoint:
    """Thresholds on a head's calibrated score, chosen on the dev split (see the model card)."""

    flag: float
    """Score from which a text is reported (the balanced point: high recall)."""
    refuse: float
    """Score from which the model is confident enough to refuse or block (few false alarms)."""
    flag_logit: float
    """``flag`` as a calibrated logit; comparisons use logits, which do not saturate at 1.0."""
    refuse_logit: float


@dataclass(frozen=True, slots=True)
class HeadInfo:
    """One head: which directions it runs on, its operating points and the risks it may name."""

    head: Head
    directions: tuple[Direction, ...]
    points: OperatingPoint
    risks: tuple[str, ...]
    """Risk ids this head may report (the model's risk outputs restricted to these)."""
    calibration: tuple[float, float]
    """``(a, b)``: score = sigmoid(a * logit + b), fitted on the dev split with equal priors."""


@dataclass(frozen=True, slots=True)
class ZhSafetyModel:
    """Arrays and metadata of one trained model."""

    path: Path
    version: str
    spec: FeatureSpec
    vocab: GramTable
    idf: npt.NDArray[np.float32]
    embed: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    out_w: npt.NDArray[np.float32] | None
    out_b: npt.NDArray[np.float32] | None
    heads: tuple[HeadInfo, ...]
    risks: tuple[str, ...]
    """Risk ids of the model's risk outputs, in output order (after the heads)."""
    meta: Mapping[str, Any]


def _corrupt(path: Path, what: str) -> CorruptFileError:
    return CorruptFileError(
        f"classifier model file {path}: {what}; fix: reinstall hegui for the built-in model, "
        "or rerun training/zh_safety/train.py to write a complete model folder"
    )


def _read_meta(folder: Path) -> dict[str, Any]:
    path = folder / "model.json"
    if not path.is_file():
        raise _corrupt(path, "missing")
    try:
        meta = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(path, f"not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _corrupt(path, f"not a hegui/zh-safety model of format {FORMAT}")
    return meta


def _head_infos(meta: dict[str, Any], risks: tuple[str, ...], path: Path) -> tuple[HeadInfo, ...]:
    try:
        out = []
        for item in meta["heads"]:
            allowed = tuple(r for r in risks if any(r.startswith(p) for p in item["risk_prefixes"]))
            out.append(
                HeadInfo(
                    head=Head(item["name"]),
                    directions=tuple(Direction(d) for d in item["directions"]),
                    points=OperatingPoint(
                        float(item["flag"]),
                        float(item["refuse"]),
                        float(item["flag_logit"]),
                        float(item["refuse_logit"]),
                    ),
                    risks=allowed,
                    calibration=(float(item["calibration"][0]), float(item["calibration"][1])),
                )
            )
        return tuple(out)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _corrupt(path / "model.json", f"bad `heads` entry ({exc!r})") from None


def load_model(folder: Path) -> ZhSafetyModel:
    """Load and check a model folder.

    Raises:
        CorruptFileError: a file is missing, unreadable, or its arrays do not fit together.
    """
    meta = _read_meta(folder)
    vocab_path = folder / "vocab.txt"
    weights_path = folder / "weights.npz"
    if not vocab_path.is_file():
        raise _corrupt(vocab_path, "missing")
    if not weights_path.is_file():
        raise _corrupt(weights_path, "missing")
    try:
        grams = vocab_path.read_text("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise _corrupt(vocab_path, f"not UTF-8 ({exc.reason})") from None
    if grams and grams[-1] == "":
        grams.pop()
    try:
        # Our own handle: np.load leaves its file open when the archive is broken.
        with weights_path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            arrays = {k: np.asarray(npz[k], dtype=np.float32) for k in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise _corrupt(weights_path, f"unreadable ({exc})") from None
    for key in ("idf", "embed", "bias"):
        if key not in arrays:
            raise _corrupt(weights_path, f"no `{key}` array")
    embed = arrays["embed"]
    if embed.ndim != 2 or embed.shape[0] != len(grams) or arrays["idf"].shape != (len(grams),):
        raise _corrupt(
            weights_path, f"arrays do not fit the {len(grams):,} n-grams of {vocab_path.name}"
        )
    risks = tuple(str(r) for r in meta.get("risks", ()))
    heads = _head_infos(meta, risks, folder)
    outputs = arrays["out_w"].shape[1] if "out_w" in arrays else embed.shape[1]
    if outputs != len(heads) + len(risks):
        raise _corrupt(
            weights_path, f"{outputs} outputs for {len(heads)} heads + {len(risks)} risks"
        )
    try:
        spec = FeatureSpec(**meta["features"])
    except (KeyError, TypeError) as exc:
        raise _corrupt(folder / "model.json", f"bad `features` ({exc!r})") from None
    return ZhSafetyModel(
        path=folder,
        version=str(meta.get("version", "unknown")),
        spec=spec,
        vocab=GramTable(grams),
        idf=arrays["idf"],
        embed=embed,
        bias=arrays["bias"],
        out_w=arrays.get("out_w"),
        out_b=arrays.get("out_b"),
        heads=heads,
        risks=risks,
        meta=meta,
    )
