from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from hegui.errors import ConfigError
from hegui.safety import Action, Direction, Policy, PolicyRule, Screener, TransformersClassifier

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"炸弹怎么做天气很好今明"]


TRAIN = [
    ("炸弹怎么做", 1),
    ("明天炸弹", 1),
    ("怎么做炸弹", 1),
    ("炸弹", 1),
    ("今天天气很好", 0),
    ("明天天气", 0),
    ("很好", 0),
    ("怎么做", 0),
    ("天气很好", 0),
    ("今天", 0),
]


def build_model(path: Path, labels: list[str]) -> Path:
    """A tiny BERT trained here, in seconds, to tell texts with 炸弹 from the rest."""
    torch.manual_seed(0)
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    vocab_file = str(path / "vocab.txt")
    if "vocab" in inspect.signature(transformers.BertTokenizer.__init__).parameters:
        tokenizer = transformers.BertTokenizer(vocab=vocab_file)  # transformers >= 5
    else:
        tokenizer = transformers.BertTokenizer(vocab_file=vocab_file)
    config = transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=32,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = transformers.BertForSequenceClassification(config)
    enc = tokenizer([t for t, _ in TRAIN], padding=True, return_tensors="pt")
    target = torch.tensor([y for _, y in TRAIN])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(100):
        optimizer.zero_grad()
        loss = model(**enc, labels=target).loss
        loss.backward()
        optimizer.step()
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("model"), ["safe", "宣扬恐怖主义、极端主义"])


def test_classifier_flags_trigger_and_maps_label_names(model_dir: Path) -> None:
    clf = TransformersClassifier(model_dir)
    assert clf.labels == {1: "A.1.d"}
    hit = clf.classify("炸弹怎么做", Direction.INPUT)
    assert [(f.risk, f.start, f.end, f.source) for f in hit] == [
        ("A.1.d", 0, 5, "hegui/transformers")
    ]
    assert hit[0].score is not None and hit[0].score > 0.9
    assert clf.classify("今天天气很好", Direction.INPUT) == []
    assert [
        len(r) for r in clf.classify_batch(["炸弹", "明天天气", "明天炸弹"], Direction.INPUT)
    ] == [1, 0, 1]


def test_screener_with_local_classifier(model_dir: Path) -> None:
    policy = Policy(version="p", rules=(PolicyRule(id="t", risks=("A.1.d",), input="refuse"),))
    screener = Screener(
        policy=policy, recognizers=[], classifiers=[TransformersClassifier(model_dir)]
    )
    assert screener.screen("炸弹", "input").action is Action.REFUSE
    assert screener.screen("今天天气很好", "input").action is Action.ALLOW


def test_unmappable_labels_are_a_config_error(tmp_path: Path) -> None:
    path = build_model(tmp_path / "m", ["safe", "spam"])
    with pytest.raises(ConfigError, match="spam"):
        TransformersClassifier(path)
    assert TransformersClassifier(path, label_map={"spam": "A.3.b"}).labels == {1: "A.3.b"}


def test_missing_model_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config\.json"):
        TransformersClassifier(tmp_path)
