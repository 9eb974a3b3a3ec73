"""Check the misconceptions and depth cues of rubrics, for authors: `python benchmarks/rubric_check.py [RUBRIC_ID ...]`.

For each rubric (default: all of the built-in bank):
- each misconception's keywords should catch the ways it is said (`says`), one sentence at a time;
- no misconception may fire on any sentence of any model answer in the bank, nor on the question prompts;
- each must-have point's `why` cues should appear in its own question's model answer.
Prints one line per problem; exit 1 if a misconception fires on a right answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.content.bank import load_bank  # noqa: E402
from interviewer.graders.claims import states  # noqa: E402
from interviewer.text import matches_group, normalise, sentences  # noqa: E402


def fires(misconception, sentence: str) -> bool:
    """As the graders decide it (a negation right before the claim denies it)."""
    return any(states(misconception, s) for s in sentences(sentence))


def main(ids: list[str]) -> int:
    bank = load_bank()
    right = [
        (q.id, s.text) for q in bank.questions.values() for s in [*sentences(q.model_answer), *sentences(q.prompt)]
    ]
    wanted = ids or sorted(bank.rubrics)
    false_fires = 0
    for rubric_id in wanted:
        rubric = bank.rubrics[rubric_id]
        own = [q for q in bank.questions.values() if q.rubric == rubric_id]
        for c in rubric.criteria:
            for m in c.misconceptions:
                caught = sum(fires(m, s) for s in m.says)
                if caught < len(m.says):
                    missed = [s for s in m.says if not fires(m, s)]
                    where = f"{rubric_id}/{c.id}: keywords catch {caught}/{len(m.says)} of says for {m.claim!r}"
                    print(f"{where}; missed: {missed}")
                for qid, text in right:
                    if fires(m, text):
                        false_fires += 1
                        print(f"{rubric_id}/{c.id}: FALSE FIRE of {m.claim!r} on a right sentence ({qid}): {text!r}")
            for point in c.must_have:
                if not point.why:
                    print(f"{rubric_id}/{c.id}: no why cues for {point.text!r}")
                    continue
                for q in own:
                    answer = normalise(q.model_answer)
                    if not any(matches_group(answer, [cue]) for cue in point.why):
                        print(f"{rubric_id}/{c.id}: no why cue of {point.text!r} in the model answer of {q.id}")
    print(f"{len(wanted)} rubric(s) checked; {false_fires} false fire(s)", file=sys.stderr)
    return 1 if false_fires else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
