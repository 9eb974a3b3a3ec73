"""Is an answer mostly not in English? Grading matches English key points, so an answer in another language earns
about half credit with no word why (issue 20). A small, dependency-free heuristic is enough to say so plainly:
the share of letters outside the Latin script, and how often common English function words appear against
those of the languages candidates most often switch to. Technical terms are English in every language, so
they are not evidence either way; function words are."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 8  # shorter answers are not judged: a few words say little about the language
LATIN_END = 0x024F  # the end of Latin Extended-B: accented Latin letters still count as Latin script

ENGLISH = frozenset(
    """
    the a an and or but to of in on at for with by from is are was were be been being it its this that these those
    we i you they he she our my your their them would will can could should not no if then so as which what when
    how why there have has had do does into than because each all any also only more use about after before
    """.split()
)
# Function words of the languages candidates most often answer in, leaving out any that are also English
# words ("a", "in", "as", "so", "do", "to"), so an English answer never scores here.
OTHER = frozenset(
    """
    el la los las que de del y en un una es por para con se lo al como pero más su sus este esta también
    le les des du et est une pour dans qui pas sur avec au aux ce cette nous je il sont ou mais être
    der die das und ist nicht ein eine mit den dem zu von für auf wir ich sich auch werden wird oder bei
    o os não com em da dos das é uma são mas
    di che non per sono della gli nel
    het een van niet wij ik zijn voor op met
    się nie jest na w z że
    ve bir bu için ile
    """.split()
)


def mostly_not_english(text: str) -> bool:
    """True when the answer is mostly in another language or script; False for English, for English with a
    foreign phrase, and for answers too short to tell."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 20 and sum(ord(ch) > LATIN_END for ch in letters) > 0.3 * len(letters):
        return True  # Cyrillic, Greek, CJK, Arabic, Devanagari, ...: not English whatever the words
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return False
    english = sum(w in ENGLISH for w in words) / len(words)
    other = sum(w in OTHER for w in words) / len(words)
    return other > english and english < 0.15
