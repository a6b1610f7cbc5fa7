"""The two model shapes compared: a linear model and an embedding-bag network, on the same
sparse char n-gram tf-idf features (see ``hegui.safety._zh_safety_features``)."""

from __future__ import annotations

import torch
from torch import nn


class Net(nn.Module):
    """``hidden == 0``: linear (logistic regression per output). Otherwise a fastText-style
    embedding bag (the tf-idf weighted sum of n-gram vectors), a ReLU and a linear layer."""

    def __init__(self, vocab: int, outputs: int, hidden: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.bag = nn.EmbeddingBag(vocab, hidden or outputs, mode="sum")
        nn.init.normal_(self.bag.weight, std=0.01 if hidden else 0.0)
        self.bias = nn.Parameter(torch.zeros(hidden or outputs))
        self.out = nn.Linear(hidden, outputs) if hidden else None
        self.drop = nn.Dropout(0.2)

    def forward(
        self, ids: torch.Tensor, offsets: torch.Tensor, weights: torch.Tensor
    ) -> torch.Tensor:
        z = self.bag(ids, offsets, per_sample_weights=weights) + self.bias
        if self.out is None:
            return z
        return self.out(self.drop(torch.relu(z)))

    def export(self) -> dict[str, torch.Tensor]:
        """Arrays the numpy inference needs: ``embed`` (V × k), ``bias`` (k), and for the
        network ``out_w`` (k × outputs), ``out_b``."""
        d = {"embed": self.bag.weight.detach(), "bias": self.bias.detach()}
        if self.out is not None:
            d["out_w"] = self.out.weight.detach().T.contiguous()
            d["out_b"] = self.out.bias.detach()
        return d
