"""What changed between releases: the changelog, ``kb_diff`` and ``scope_since``."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import InputError
from hegui.kb import (
    FACTS,
    kb_diff,
    known_versions,
    load_changelog,
    load_kb,
    load_profile,
    scope_since,
)
from hegui.kb._profile import Feature
from hegui.kb._snapshot import load_snapshot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/hegui.yaml"))


def test_the_changelog_describes_the_current_release_and_chains_to_shipped_ones() -> None:
    kb = load_kb()
    releases = load_changelog()
    assert releases[0].version == kb.data_version
    assert known_versions() == ("2026.11.29", kb.data_version)
    for release in releases:
        assert release.previous in known_versions()
        assert release.summary_zh and release.summary_en


def test_every_changelog_id_names_a_record_or_a_fact() -> None:
    kb = load_kb()
    old = load_snapshot("2026.11.29")
    known = (
        set(kb.obligations)
        | set(kb.procedures)
        | set(kb.instruments)
        | {o.id for o in old.obligations}
        | set(FACTS)
        | {f.value for f in Feature}
    )
    for release in load_changelog():
        for change in release.changes:
            assert set(change.ids) <= known, change.ids
            assert change.zh and change.en


def test_every_record_difference_since_the_audited_release_is_explained() -> None:
    diff = kb_diff("2026.11.29", load_kb().data_version)
    assert diff.items
    unexplained = [(i.kind, i.id) for i in diff.items if not i.reasons]
    assert unexplained == []


# Issue 14, done-when: `hegui scope --since 2026.11.29` on the example chatbot lists exactly
# this issue's changes (each with its audit reference or reason).
CHATBOT_CHANGES = {
    # E1: the anthropomorphic measures no longer reach a plain chat assistant
    ("obligation", "ANTH-disclose", "removed"),
    ("obligation", "ANTH-2h", "removed"),
    ("obligation", "ANTH-minors", "removed"),
    ("obligation", "ANTH-crisis", "removed"),
    ("obligation", "ANTH-assess", "removed"),
    ("obligation", "ANTH-lifecycle", "removed"),
    ("procedure", "anthropomorphic_assessment", "added"),
    ("obligation", "AIETH-09", "added"),  # E2
    ("obligation", "DS-06b", "added"),  # E3
    ("obligation", "GAI-10b", "changed"),  # E4
    ("obligation", "SA-03", "changed"),  # E6
    ("obligation", "SA-04", "changed"),
    ("obligation", "SA-05", "changed"),
    ("obligation", "SA-06", "changed"),
    ("obligation", "SA-07", "changed"),
    ("obligation", "MLPS-14", "changed"),  # E9
    ("obligation", "CSL-23", "changed"),  # E14
    ("obligation", "CSL-24", "changed"),
    ("obligation", "CSL-27", "changed"),
    ("obligation", "GAI-04-2", "changed"),  # E15
    ("procedure", "deep_synthesis_filing", "changed"),  # E17 case, practice deadline
    ("procedure", "children_pi", "added"),  # minors raise the under-14 duties
    ("obligation", "MINCLS-algo", "added"),  # new instrument
    ("procedure", "training_data_assessment", "added"),  # new instrument GB/T 45652
    # labeling procedures dated "before content is provided" for the plan (point 5)
    ("procedure", "label_text", "changed"),
    ("procedure", "label_image", "changed"),
    ("procedure", "label_exports", "changed"),
}


def test_scope_since_lists_exactly_this_issues_changes_for_the_chatbot() -> None:
    chatbot = load_profile(ROOT / "examples" / "public-chatbot" / "hegui.yaml")
    diff = scope_since(chatbot, "2026.11.29")
    assert {(i.kind, i.id, i.change) for i in diff.items} == CHATBOT_CHANGES
    refs = {i.id: {c.ref for c in i.reasons} for i in diff.items}
    assert "E1" in refs["ANTH-crisis"] and "E3" in refs["DS-06b"] and "E4" in refs["GAI-10b"]
    dsf = next(i for i in diff.items if i.id == "deep_synthesis_filing")
    assert dsf.fields == ("deadline",) and dsf.after and "in practice" in dsf.after
    gai = next(i for i in diff.items if i.id == "GAI-10b")
    assert set(gai.fields) == {"trigger", "text"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_change_for_an_example_has_a_reason(example: Path) -> None:
    diff = scope_since(load_profile(example), "2026.11.29")
    assert [i.id for i in diff.items if not i.reasons] == []


def test_nothing_changed_between_a_release_and_itself() -> None:
    chatbot = load_profile(ROOT / "examples" / "public-chatbot" / "hegui.yaml")
    current = load_kb().data_version
    assert scope_since(chatbot, current).items == ()
    assert kb_diff("2026.11.29", "2026.11.29").items == ()


def test_an_unknown_version_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"known versions: 2026\.11\.29, 2026\.12\.03"):
        kb_diff("2026.11.28", "2026.12.03")
