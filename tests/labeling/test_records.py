from __future__ import annotations

from hegui.kb import load_kb
from hegui.labeling._records import _EXPLICIT_TESTS, _TESTS


def test_every_kb_id_the_evidence_cites_exists() -> None:
    kb = load_kb()
    cited = {i for ids in (*_TESTS.values(), *_EXPLICIT_TESTS.values()) for i in ids}
    for record_id in sorted(cited):
        assert kb.get(record_id) is not None, record_id
