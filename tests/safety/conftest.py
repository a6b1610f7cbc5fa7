from __future__ import annotations

import pytest

from hegui.safety import Lexicon, LexiconEntry, Matcher, MatchOptions

ALL_VARIANTS = MatchOptions(pinyin=True, initials=True, mixed=True, homophones=True, digits=True)


def make_lexicon(*entries: LexiconEntry, allow: tuple[str, ...] = ()) -> Lexicon:
    return Lexicon(version="test", allow=allow, entries=entries)


@pytest.fixture(scope="session")
def drug_matcher() -> Matcher:
    return Matcher(
        make_lexicon(
            LexiconEntry(term="冰毒", risk="A.1.h", match=ALL_VARIANTS, allow=("缉冰毒",)),
            LexiconEntry(term="fuck", risk="A.2.i"),
            LexiconEntry(term="一夜情", risk="A.1.f"),
            LexiconEntry(term="海洛因", risk="A.1.h"),
        )
    )
