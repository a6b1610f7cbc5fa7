"""A local transformers sequence classifier, loaded from a directory the user gives.

Nothing is downloaded: loading uses ``local_files_only``. The model's labels (``id2label``)
must name GB/T 45654 risks — by id (``A.1.d``), by Chinese name, or by a Qwen3Guard category —
or a safe class (``safe``, ``正常`` …); ``label_map`` overrides or completes that mapping.
Needs the ``ml`` extra (transformers, torch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hegui.errors import ConfigError, MissingDependencyError, UnknownIdError
from hegui.safety._guard import QWEN3GUARD_CATEGORIES
from hegui.safety._types import Direction, Finding, Severity

__all__ = ["SAFE_LABELS", "TransformersClassifier"]

SAFE_LABELS = frozenset({"safe", "normal", "neutral", "ok", "正常", "安全", "无风险"})


def _risk_of(label: str) -> str | None:
    """The risk id a label names, ``""`` for a safe class, ``None`` if it names neither."""
    from hegui.kb import load_kb

    text = label.strip()
    if text.casefold() in SAFE_LABELS:
        return ""
    ids = QWEN3GUARD_CATEGORIES.get(text.casefold())
    if ids is not None:
        return ids[0] if ids else ""
    try:
        return load_kb().risk(text).id
    except UnknownIdError:
        return None


class TransformersClassifier:
    """Classifies texts with a ``AutoModelForSequenceClassification`` from ``path``.

    Args:
        path: Directory with the model and tokenizer (``save_pretrained`` output).
        label_map: Label → risk id (or ``""`` for safe), for labels that do not name a risk.
        threshold: Minimum probability for a risk label to become a finding.
        max_length: Tokens per text (longer texts are truncated).
        batch_size: Texts per forward pass in :meth:`classify_batch`.

    Raises:
        ConfigError: the directory is missing, or a label maps to no risk.
        MissingDependencyError: the ``ml`` extra is not installed.
    """

    id = "hegui/transformers"

    def __init__(
        self,
        path: Path | str,
        *,
        label_map: Mapping[str, str] | None = None,
        threshold: float = 0.5,
        max_length: int = 512,
        batch_size: int = 16,
    ) -> None:
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise MissingDependencyError(
                "the transformers classifier", exc.name or "torch", "ml"
            ) from None
        path = Path(path)
        if not (path / "config.json").is_file():
            raise ConfigError(
                "no model here (config.json missing)",
                path=path,
                fix="give the directory written by save_pretrained()",
            )
        self._torch = torch
        self.tokenizer: Any = transformers.AutoTokenizer.from_pretrained(
            path, local_files_only=True
        )
        self.model: Any = transformers.AutoModelForSequenceClassification.from_pretrained(
            path, local_files_only=True
        )
        self.model.eval()
        self.multi_label = self.model.config.problem_type == "multi_label_classification"
        self.threshold = threshold
        self.max_length = max_length
        self.batch_size = batch_size
        self.labels: dict[int, str] = {}
        unknown: list[str] = []
        for index, label in self.model.config.id2label.items():
            name = str(label)
            risk = (label_map or {}).get(name)
            if risk is None:
                risk = _risk_of(name)
            if risk is None:
                unknown.append(name)
            elif risk:
                self.labels[int(index)] = risk
        if unknown:
            raise ConfigError(
                f"model labels name no GB/T 45654 risk: {', '.join(unknown)}",
                path=path,
                fix="pass label_map={label: risk id or '' for safe}",
            )

    def classify(self, text: str, direction: Direction) -> list[Finding]:
        """Findings over the whole text, one per risk label above the threshold."""
        return self.classify_batch([text], direction)[0]

    def classify_batch(self, texts: Sequence[str], direction: Direction) -> list[list[Finding]]:
        """Findings for each text, running the model in batches."""
        torch = self._torch
        out: list[list[Finding]] = []
        for k in range(0, len(texts), self.batch_size):
            chunk = list(texts[k : k + self.batch_size])
            enc = self.tokenizer(
                chunk,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with torch.no_grad():
                logits = self.model(**enc).logits
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            for text, row in zip(chunk, probs.tolist(), strict=True):
                out.append(
                    [
                        Finding(
                            start=0,
                            end=len(text),
                            risk=risk,
                            term=None,
                            source=self.id,
                            score=float(row[i]),
                            severity=Severity.HIGH,
                        )
                        for i, risk in self.labels.items()
                        if row[i] >= self.threshold
                    ]
                )
        return out
