"""Chinese first: every row a user reads has Chinese text, and ``--lang zh`` reports carry no
English sentence, raw enum id or missing filing channel (issue 14 point 4)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import hegui.kb as kb_package
from hegui.errors import KnowledgeBaseError
from hegui.kb import (
    FACTS,
    cite_article,
    describe_atom,
    load_kb,
    load_profile,
    render_html,
    render_markdown,
    scope,
)
from hegui.kb._vocabulary import FACT_LABELS, LABELS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/hegui.yaml"))
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_STANDARD = re.compile(r"GB(?:/T)? ?\d+(?:-\d+)?|TC260-\d+")


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_user_facing_row_has_chinese_beside_english() -> None:
    kb = load_kb()
    for ob in kb.obligations.values():
        assert _has_han(ob.obligation_zh), ob.id
        cited = _STANDARD.sub("", cite_article(ob.article, ob.article_zh, "zh"))
        assert not _LATIN_WORD.search(cited), ob.id
        if ob.deadline:
            assert _has_han(ob.deadline.render("zh")), ob.id
    for proc in kb.procedures.values():
        assert _has_han(proc.name_zh), proc.id
        for case in proc.cases:
            assert _has_han(case.reason_zh), proc.id
        if proc.channel_en:
            assert proc.channel_zh and _has_han(proc.channel_zh), proc.id
        if proc.note_en:
            assert proc.note_zh and _has_han(proc.note_zh), proc.id
    for inst in kb.instruments.values():
        assert _has_han(inst.title_zh) and inst.short_zh, inst.code
        if inst.scope_note_en:
            assert inst.scope_note_zh and _has_han(inst.scope_note_zh), inst.code
    for kind in kb.evidence_kinds.values():
        assert _has_han(kind.name_zh), kind.id
    for t in kb.thresholds.values():
        assert _has_han(t.name_zh), t.id


def test_every_vocabulary_member_and_fact_has_both_labels() -> None:
    from hegui.kb import Event, Role
    from hegui.kb._profile import AlgorithmType, Feature, Modality, ModelSource, ProfileRole

    assert set(FACTS) <= set(FACT_LABELS)
    for table, members in [
        ("features", Feature),
        ("modalities", Modality),
        ("model_source", ModelSource),
        ("algorithm_types", AlgorithmType),
        ("roles", ProfileRole),
        ("roles", Role),
        ("events", Event),
    ]:
        for member in members:
            zh, en = LABELS[table][member.value]
            assert _has_han(zh) and en, (table, member)
    routes = {c.route for p in load_kb().procedures.values() for c in p.cases if c.route}
    assert routes <= set(LABELS["routes"])


def test_a_row_without_chinese_fails_the_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(kb_package.__file__).parent / "data", data)
    gai = data / "obligations" / "gai.yaml"
    text = gai.read_text(encoding="utf-8")
    start = text.index("    obligation_zh: ", text.index("id: GAI-13"))
    end = text.index("\n", start) + 1
    gai.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"(?s)GAI-13.*obligation_zh"):
        load_kb(data)


def test_an_instrument_in_force_without_dates_fails_the_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(kb_package.__file__).parent / "data", data)
    inst = data / "instruments.yaml"
    inst.write_text(
        inst.read_text(encoding="utf-8").replace("    effective: 2025-06-01\n", "", 1),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError, match="FR is in force but has no effective date"):
        load_kb(data)


def _english_sentences(text: str) -> list[str]:
    # Allowed: code spans (commands, profile keys), URLs, ids (GAI-04-1, EV-…, A.1.d), system
    # names written in Latin (beian.gov.cn), standard numbers (GB/T 45654) and the kb's version.
    text = re.sub(r"`[^`]*`|<code>.*?</code>", " ", text)
    text = re.sub(r"https?://\S+|[\w.-]+\.(?:gov|cn|com)\S*", " ", text)
    text = re.sub(r"\[EV-[^\]]+\]|\b[A-Z][A-Z0-9]*-[\w./-]+", " ", text)
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S)
    # three Latin words in a row make an English phrase
    return re.findall(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){2,}", text)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_chinese_reports_have_no_english_sentences(example: Path) -> None:
    report = scope(load_profile(example))
    for page in (render_markdown(report, "zh"), render_html(report, "zh")):
        assert _english_sentences(page) == [], example.parent.name
        for raw in ("standard_contract_or_certification", "data_handler", "own_foundation_model",
                    "not_required", "'chat' in features"):  # fmt: skip
            assert raw not in page


def test_where_to_file_is_shown_for_every_owed_procedure_with_a_channel() -> None:
    report = scope(load_profile(ROOT / "examples" / "public-chatbot" / "hegui.yaml"))
    md = render_markdown(report, "zh")
    html = render_html(report, "zh")
    for proc in report.procedures:
        if proc.required is not False and proc.channel_zh:
            assert proc.channel_zh in md and proc.channel_zh.replace("（", "（") in html


def test_trigger_atoms_read_as_sentences() -> None:
    assert describe_atom("'chat' in features", "zh") == "产品功能包含「对话」"
    assert describe_atom("pi_individuals >= 1000000 (= 2,500,000)", "zh") == (
        "处理个人信息的人数 ≥ 1,000,000（实际 2,500,000）"
    )
    assert describe_atom("not (research_only)", "en") == "not: research and development only"
    assert describe_atom("model_source in ('own_foundation_model', 'fine_tuned')", "zh") == (
        "模型来源为「自研基础模型」或「微调模型」"
    )
