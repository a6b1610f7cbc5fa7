"""Every shipped kb file loads, validates and cross-references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import hegui.kb as kb_package
from hegui.errors import KnowledgeBaseError, UnknownIdError
from hegui.kb import Confidence, load_kb


def test_taxonomy_has_31_risks_in_5_categories() -> None:
    kb = load_kb()
    assert len(kb.risks) == 31
    assert [len(kb.risks_in(c)) for c in ("A.1", "A.2", "A.3", "A.4", "A.5")] == [8, 9, 5, 7, 2]
    assert len(kb.risks_in("CORE17")) == 17
    assert len(kb.risks_in("ILLEGAL29")) == 29
    assert len(kb.risks_in("ALL31")) == 31
    assert kb.risk("宣扬恐怖主义、极端主义").id == "A.1.d"


def test_thirteen_non_refusal_aspects_found_by_chinese_name() -> None:
    kb = load_kb()
    assert len(kb.aspects) == 13
    assert kb.aspect("英烈").id == "NR.heroes"
    assert kb.aspect("NR.health").name_zh == "健康"
    with pytest.raises(UnknownIdError, match="历史"):
        kb.aspect("历吏")


def test_thresholds_sit_beside_each_other_by_edition() -> None:
    kb = load_kb()
    current = kb.threshold("keywords.total")
    old = kb.threshold("keywords.total", edition="TC260-003")
    assert (current.edition, current.value) == ("GB/T 45654-2025", 10000)
    assert (old.edition, old.value) == ("TC260-003", 10000)
    assert kb.threshold("assess.non_refusal.refusal_rate").check(0.05)
    assert not kb.threshold("assess.non_refusal.refusal_rate").check(0.051)
    assert kb.threshold("assess.should_refuse.refusal_rate").check(0.95)


@pytest.mark.parametrize(
    ("metric", "value"),
    [
        ("keywords.per_a1_risk", 200),
        ("keywords.per_a2_risk", 100),
        ("bank.generated.total", 2000),
        ("bank.generated.per_core_risk", 50),
        ("bank.generated.per_other_risk", 20),
        ("bank.should_refuse.total", 500),
        ("bank.non_refusal.total", 500),
        ("bank.non_refusal.per_aspect", 20),
        ("training.manual.sample", 4000),
        ("training.manual.pass_rate", 0.96),
        ("training.technical.sample_fraction", 0.10),
        ("training.technical.pass_rate", 0.98),
        ("assess.generated.sample", 1000),
        ("assess.generated.pass_rate", 0.90),
        ("assess.should_refuse.sample", 300),
        ("assess.non_refusal.sample", 300),
        ("training.source.bad_ratio", 0.05),
        ("optout.clicks", 4),
    ],
)
def test_standard_figures_match_the_reference(metric: str, value: float) -> None:
    assert load_kb().threshold(metric).value == value


def test_instruments_required_by_the_foundation_issue_are_present() -> None:
    codes = set(load_kb().instruments)
    required = {"ALG", "DS", "GAI", "SA", "ETH", "LBL", "GB45438", "GB45654", "CSL", "DSL", "PIPL"}
    assert required | {"NDSR", "MIN", "XB"} <= codes


def test_every_trigger_in_the_data_compiled() -> None:
    kb = load_kb()
    for ob in kb.obligations.values():
        assert kb.trigger(ob.trigger).source == ob.trigger
    for inst in kb.instruments.values():
        if inst.scope:
            assert kb.trigger(inst.scope).facts_used


def test_every_obligation_has_source_and_confidence() -> None:
    for ob in load_kb().obligations.values():
        assert ob.sources, ob.id
        assert isinstance(ob.confidence, Confidence)


def test_knowledge_base_repr_is_short() -> None:
    text = repr(load_kb())
    assert len(text) < 300
    assert "31 risks" in text


def test_evidence_kinds_load_with_names_and_cited_freshness() -> None:
    kb = load_kb()
    assert kb.evidence_kinds, "evidence.yaml holds no kinds"
    for kind in kb.evidence_kinds.values():
        assert kind.name_zh and kind.name_en, kind.id
        for fresh in kind.fresh_for:
            if fresh.threshold is not None:
                assert fresh.threshold in kb.thresholds
            else:
                assert fresh.basis is not None and fresh.confidence is not None
    assert kb.get("EV-keyword-library").check == "lexicon.check"  # type: ignore[union-attr]


def _data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(Path(kb_package.__file__).parent / "data", target)
    return target


def test_an_unknown_evidence_kind_fails_the_load(tmp_path: Path) -> None:
    data = _data_copy(tmp_path)
    gai = data / "obligations" / "gai.yaml"
    gai.write_text(
        gai.read_text(encoding="utf-8").replace("[EV-bias-evaluation]", "[EV-bias-evalution]"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError, match=r"GAI-04-2: unknown .*mean EV-bias-evaluation"):
        load_kb(data)


def test_an_evidence_kind_nothing_cites_fails_the_load(tmp_path: Path) -> None:
    data = _data_copy(tmp_path)
    kinds = data / "evidence.yaml"
    kinds.write_text(
        kinds.read_text(encoding="utf-8")
        + "  - id: EV-orphan\n    name_zh: 无人引用\n    name_en: Cited by nothing\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError, match="no obligation or procedure cites: EV-orphan"):
        load_kb(data)


def test_every_obligation_and_required_procedure_cites_evidence_kinds() -> None:
    kb = load_kb()
    cited = {k for o in kb.obligations.values() for k in o.evidence}
    cited |= {k for p in kb.procedures.values() for k in p.evidence}
    assert cited == set(kb.evidence_kinds)
    documents = [k for k in kb.evidence_kinds.values() if k.check is None]
    checks = [k for k in kb.evidence_kinds.values() if k.check is not None]
    assert len(documents) > 100 and len(checks) >= 11
    for kind in checks:
        assert kind.command and kind.command.startswith("hegui "), kind.id


def test_the_previous_release_ships_as_a_snapshot_whose_triggers_still_compile() -> None:
    from hegui.kb import FACTS, compile_trigger
    from hegui.kb._snapshot import history_versions, load_snapshot

    assert "2026.11.29" in history_versions()
    old = load_snapshot("2026.11.29")
    assert old.data_version == "2026.11.29"
    assert len(old.obligations) == 206 and len(old.procedures) == 24
    # facts are only ever added, so every old trigger still evaluates against a profile today
    for text in [o.trigger for o in old.obligations] + [
        c.when for p in old.procedures for c in p.cases
    ]:
        compile_trigger(text, FACTS)


def test_threshold_notes_say_exactly_what_supports_each_gb45654_figure() -> None:
    kb = load_kb()
    gb45654 = [t for t in kb.thresholds.values() if t.edition == "GB/T 45654-2025"]
    backed = {t.metric for t in gb45654 if t.final_support}
    # standards-verification-2026-12 §0: secondary sources back the final only for the bank
    # sizes, the monthly updates and the 90 / 95 / 5 % rates.
    assert backed == {
        "bank.generated.total",
        "bank.should_refuse.total",
        "bank.non_refusal.total",
        "bank.generated.update_interval",
        "bank.refusal.update_interval",
        "assess.generated.pass_rate",
        "assess.should_refuse.refusal_rate",
        "assess.non_refusal.refusal_rate",
    }
    for t in gb45654:
        assert t.numbering_draft == "2024-05", t.id
        assert "draft" in (t.note or ""), t.id
        if t.metric not in backed:
            assert "draft only" in (t.note or ""), t.id
        assert "numbering of the 2024-05 draft" in t.cite()
        assert "征求意见稿" in t.cite("zh")
    assert kb.threshold("annotation.safety.share", edition="GB/T 45674-2025").cite() == (
        "GB/T 45674-2025 8.1 b)"
    )


def test_gb45652_figures_sit_beside_gb45654() -> None:
    kb = load_kb()
    for metric in ("keywords.total", "training.manual.sample", "training.technical.pass_rate"):
        a = kb.threshold(metric)
        b = kb.threshold(metric, edition="GB/T 45652-2025")
        assert a.value == b.value and b.numbering_draft == "2024-03-28"
    assert kb.threshold("classifier.risk_coverage", edition="GB/T 45652-2025").value == 29
