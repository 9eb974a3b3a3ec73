"""Print every follow-up probe the bank can ask, to read them as a candidate would (issue 20, problem 5).

For each question: its own probes (with `check:` when another criterion's words are closer, a hint to read it
against the criterion it is graded on), then per criterion the default probes for a gap at levels 0-3 (`gap`),
for a wrong claim standing (`claim`) and the harder probe a strong answer gets (`stretch`). A gap probe that
gives the answer away (a key point in full, or a criterion name that names the answer) is marked `!!`.

    python benchmarks/probes.py [--flagged]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.content.bank import load_bank  # noqa: E402
from interviewer.graders.followups import Gap, probe_for, recites, stretch_probe, target_of  # noqa: E402

QUOTE = "I would look at that first and then decide."  # stands in for the candidate's own sentence


def probes(q, rubric, c) -> list[tuple[str, str]]:
    bare = q.model_copy(update={"follow_ups": []})
    missed = Gap(missed=[p.text for p in c.must_have])
    out = [("gap", probe_for(bare, rubric, c.id, level, missed, QUOTE if level else None)) for level in range(4)]
    if c.red_flags:
        out.append(("claim", probe_for(bare, rubric, c.id, 3, Gap(flags=[c.red_flags[0].text]))))
    out += [("stretch", stretch_probe(rubric, c.id)), ("stretch", stretch_probe(rubric, c.id, QUOTE))]
    return list(dict.fromkeys(out))


def main(flagged_only: bool = False) -> int:
    bank = load_bank()
    counts = {"probes": 0, "gives away": 0, "check target": 0}
    for q in sorted(bank.questions.values(), key=lambda q: q.id):
        rubric = bank.rubric_for(q)
        lines = []
        for probe in q.follow_ups:
            closest = target_of(probe.question, rubric)
            note = "" if closest in (None, probe.criterion) else f"  check: closer to {closest}"
            counts["check target"] += bool(note)
            lines.append((bool(note), f"  authored [{probe.criterion}] {probe.question}{note}"))
        for c in rubric.criteria:
            for kind, text in probes(q, rubric, c):
                said = recites(text, c, q.prompt) if kind == "gap" else []
                counts["gives away"] += bool(said)
                lines.append((bool(said), f"  {kind} [{c.id}] {text}" + (f"  !! gives away: {said}" if said else "")))
        counts["probes"] += len(lines)
        shown = [line for flagged, line in lines if flagged or not flagged_only]
        if shown:
            print(f"\n== {q.id} ({q.kind})", *shown, sep="\n")
    print("\n" + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main("--flagged" in sys.argv))
