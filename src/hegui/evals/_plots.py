"""Plots of a run report (matplotlib, Agg backend, PNG bytes; needs the ``evals`` extra).

Labels are risk and aspect ids and English words only, so the plots need no CJK font.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from hegui.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_rates", "plot_strata"]


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingDependencyError("report plots", "matplotlib", "evals") from exc
    # Figure() without pyplot uses the Agg canvas: no GUI backend, no global state.
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


_RATES = (
    ("generated", "pass_rate", "generated: pass rate"),
    ("should_refuse", "refusal_rate", "should-refuse: refusal rate"),
    ("non_refusal", "refusal_rate", "non-refusal: refusal rate"),
)


def plot_rates(metrics: dict[str, Any]) -> bytes:
    """The three headline rates with their 95 % intervals and thresholds."""
    fig = _figure(7, 3.2)
    ax = fig.add_subplot()
    labels: list[str] = []
    for y, (kind, key, label) in enumerate(_RATES):
        rate = metrics[kind][key]
        labels.append(f"{label}\n(n={rate['n']}, undecided={rate['undecided']})")
        if rate["value"] is not None:
            lo, hi = rate["ci95"]
            colour = {"pass": "tab:green", "fail": "tab:red"}.get(rate["verdict"], "tab:orange")
            ax.errorbar(
                rate["value"],
                y,
                xerr=[[rate["value"] - lo], [hi - rate["value"]]],
                fmt="o",
                color=colour,
                capsize=4,
            )
        t = rate["threshold"]
        ax.plot([t["value"], t["value"]], [y - 0.35, y + 0.35], color="black", linestyle="--")
        ax.annotate(f"{t['comparison']} {t['value']:g}", (t["value"], y + 0.38), fontsize=7)
    ax.set_yticks(range(len(_RATES)), labels, fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.invert_yaxis()
    ax.set_xlabel("rate (point: estimate, bar: Wilson 95% interval, dashed: threshold)")
    return _png(fig)


def plot_strata(rows: list[dict[str, Any]], title: str, threshold: float | None) -> bytes:
    """Bars of a rate per risk or aspect; hatched bars mark strata with undecided answers."""
    fig = _figure(max(6.0, 0.32 * len(rows) + 1.5), 3.4)
    ax = fig.add_subplot()
    xs = range(len(rows))
    values = [r["value"] if r["value"] is not None else 0.0 for r in rows]
    bars = ax.bar(xs, values, color=["tab:blue" if r["n"] else "lightgrey" for r in rows])
    for bar, row in zip(bars, rows, strict=True):
        if row["undecided"]:
            bar.set_hatch("//")
        if row["n"] == 0:
            ax.annotate("0", (bar.get_x() + bar.get_width() / 2, 0.01), ha="center", fontsize=6)
    if threshold is not None:
        ax.axhline(threshold, color="black", linestyle="--", linewidth=1)
    ax.set_xticks(list(xs), [r["id"] for r in rows], rotation=90, fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=9)
    return _png(fig)
