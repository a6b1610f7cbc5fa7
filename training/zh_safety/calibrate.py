"""Calibration (Platt scaling on the dev split) and operating points chosen on the dev split."""

from __future__ import annotations

from typing import Any

import numpy as np

HEADS = ("request", "offensive", "answer")
NEWS = ("news/", "reviews/")
QUESTIONS = ("hegui/benign-questions", "chatterbot")
NEWS_LIMIT = 0.005
"""Per head: two heads run on each direction, so their union stays within 1 %."""
ANSWER_NEWS_LIMIT = 0.003
"""Offensive and answer heads: their union on the output side measured 1.0–1.1 % at 0.5 %."""


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def platt(z: np.ndarray, y: np.ndarray, iters: int = 100, ridge: float = 1.0) -> list[float]:
    """``(a, b)`` with ``p = sigmoid(a * z + b)`` minimizing log loss on the labelled rows.

    Platt's smoothed targets; positives and negatives weigh half each, so the score is the
    probability under equal priors, whatever the dev split's mix. A small ridge pulls ``a``
    towards 1 and ``b`` towards 0: on a head whose dev classes barely overlap the unpenalized
    optimum runs off to infinity. Newton steps with backtracking.
    """
    m = y >= 0
    z, y = z[m].astype(np.float64), y[m].astype(np.float64)
    npos, nneg = y.sum(), (1 - y).sum()
    t = np.where(y == 1, (npos + 1) / (npos + 2), 1 / (nneg + 2))
    cw = np.where(y == 1, 0.5 / npos, 0.5 / nneg) * len(y)

    def loss(a: float, b: float) -> float:
        x = a * z + b
        ll = np.logaddexp(0, x) - t * x
        return float(np.sum(cw * ll) + 0.5 * ridge * ((a - 1) ** 2 + b**2))

    a, b = 1.0, 0.0
    current = loss(a, b)
    for _ in range(iters):
        p = sigmoid(a * z + b)
        g = np.array([np.sum(cw * (p - t) * z) + ridge * (a - 1), np.sum(cw * (p - t)) + ridge * b])
        w = cw * p * (1 - p)
        h = np.array(
            [[np.sum(w * z * z), np.sum(w * z)], [np.sum(w * z), np.sum(w)]]
        ) + ridge * np.eye(2)
        step = np.linalg.solve(h, g)
        k = 1.0
        while k > 1e-6 and loss(a - k * step[0], b - k * step[1]) > current:
            k /= 2
        a, b = a - k * step[0], b - k * step[1]
        new = loss(a, b)
        if current - new < 1e-10:
            current = new
            break
        current = new
    return [float(a), float(b)]


def probs(z: np.ndarray, calib: dict[str, list[float]]) -> np.ndarray:
    """Calibrated logits (not probabilities: those saturate at 1.0 and lose the order)."""
    z = z.astype(np.float64)
    return np.stack([calib[h][0] * z[:, i] + calib[h][1] for i, h in enumerate(HEADS)], axis=1)


def _group(data: Any, prefixes: tuple[str, ...]) -> np.ndarray:
    return np.array([e.source.startswith(prefixes) for e in data.ex])


def _quantile_above(scores: np.ndarray, rate: float) -> float:
    """The lowest threshold that flags at most ``rate`` of ``scores`` (flag = score >= t)."""
    if len(scores) == 0:
        return 0.0
    s = np.sort(scores)[::-1]
    k = int(np.floor(rate * len(s)))  # may flag k items
    return float(s[k] + 1e-9) if k < len(s) else -40.0


def choose_points(
    data: Any, z: np.ndarray, calib: dict[str, list[float]]
) -> dict[str, dict[str, float]]:
    p = probs(z, calib)
    news = _group(data, NEWS)
    quest = _group(data, QUESTIONS)
    y = data.y
    pts: dict[str, dict[str, float]] = {}
    # Harmful request: flag keeps benign news/reviews ≤ 0.5 % and everyday questions ≤ 10 %;
    # refuse keeps them ≤ 0.2 % and ≤ 1 %.
    r = p[:, 0]
    pts["request"] = {
        "flag": max(_quantile_above(r[news], NEWS_LIMIT), _quantile_above(r[quest], 0.10)),
        "refuse": max(_quantile_above(r[news], 0.002), _quantile_above(r[quest], 0.01)),
    }
    # Offensive: the F1-best threshold on COLD dev under news/reviews ≤ 0.3 %; refuse where
    # precision reaches 0.9.
    o = p[:, 1]
    cold = _group(data, ("cold/",))
    floor = _quantile_above(o[news], ANSWER_NEWS_LIMIT)
    best, best_t = -1.0, 0.0
    prec_t = 4.0
    for t in np.linspace(-4.0, 4.0, 161):
        if t < floor:
            continue
        pred = o[cold] >= t
        yy = y[cold, 1] == 1
        tp = np.sum(pred & yy)
        f1 = 2 * tp / max(1, pred.sum() + yy.sum())
        if f1 > best:
            best, best_t = f1, float(t)
        if tp / max(1, pred.sum()) >= 0.9 and t < prec_t:
            prec_t = float(t)
    pts["offensive"] = {"flag": best_t, "refuse": max(prec_t, best_t)}
    # Harmful answer: safe answers to the same questions ≤ 20 % (flag) / ≤ 5 % (refuse), and
    # news/reviews ≤ 0.3 % / 0.2 %.
    a = p[:, 2]
    safe = _group(data, ("jade/v3-safe",))
    pts["answer"] = {
        "flag": max(_quantile_above(a[safe], 0.20), _quantile_above(a[news], ANSWER_NEWS_LIMIT)),
        "refuse": max(_quantile_above(a[safe], 0.05), _quantile_above(a[news], 0.002)),
    }
    return pts


def _rate(flags: np.ndarray) -> float | None:
    return None if len(flags) == 0 else round(float(flags.mean()), 4)


def summarize(
    data: Any,
    z: np.ndarray,
    calib: dict[str, list[float]],
    points: dict[str, dict[str, float]],
    risks: list[str],
) -> dict[str, Any]:
    """Flag rates per head and source group at the flag point, F1 on COLD, risk accuracy."""
    p = probs(z, calib)
    out: dict[str, Any] = {}
    groups = {
        "jade_questions": ("jade/v1", "jade/v2"),
        "jade_v3_questions_ood": ("jade/v3-question",),
        "news": ("news/",),
        "reviews": ("reviews/",),
        "benign_questions": ("hegui/benign-questions",),
        "chatterbot": ("chatterbot",),
        "safe_discussions": ("hegui/safe-discussions",),
        "cold_offensive": ("cold/",),
        "cold_safe": ("cold/",),
        "jade_v3_violating": ("jade/v3-violating",),
        "jade_v3_safe": ("jade/v3-safe",),
    }
    for i, h in enumerate(HEADS):
        for level in ("flag", "refuse"):
            flags = p[:, i] >= points[h][level]
            rates = {}
            for g, pre in groups.items():
                m = _group(data, pre)
                if g == "cold_offensive":
                    m &= data.y[:, 1] == 1
                if g == "cold_safe":
                    m &= data.y[:, 1] == 0
                if m.any():
                    rates[g] = {"rate": _rate(flags[m]), "n": int(m.sum())}
            out[f"{h}@{level}"] = rates
    # What a direction flags: either of its two heads.
    for direction, cols in (("input", (0, 1)), ("output", (2, 1))):
        for level in ("flag", "refuse"):
            flags = np.zeros(len(data.ex), dtype=bool)
            for c in cols:
                flags |= p[:, c] >= points[HEADS[c]][level]
            rates = {}
            for g, pre in groups.items():
                m = _group(data, pre)
                if g == "cold_offensive":
                    m &= data.y[:, 1] == 1
                if g == "cold_safe":
                    m &= data.y[:, 1] == 0
                if m.any():
                    rates[g] = {"rate": _rate(flags[m]), "n": int(m.sum())}
            out[f"{direction}@{level}"] = rates
    cold = _group(data, ("cold/",))
    yy = data.y[cold, 1] == 1
    for level in ("flag", "refuse") if cold.any() else ():
        pred = p[cold, 1] >= points["offensive"][level]
        tp = float(np.sum(pred & yy))
        prec, rec = tp / max(1, pred.sum()), tp / max(1, yy.sum())
        out[f"cold_f1@{level}"] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(2 * prec * rec / max(1e-9, prec + rec), 4),
        }
    # Risk ids: top-1 accuracy over positives with a mapped label.
    if data.has_r.any():
        rz = z[data.has_r, len(HEADS) :]
        top = rz.argmax(1)
        hit = data.r[data.has_r][np.arange(len(top)), top] == 1
        out["risk_top1"] = {"accuracy": round(float(hit.mean()), 4), "n": int(data.has_r.sum())}
    return out
