"""Delivery judged only on enough speech, and its weekly trend (no audio: transcripts with known timings)."""

from __future__ import annotations

from interviewer.coaching import delivery_trends, speech


def transcript(words: int, seconds: float, fillers: int = 0) -> speech.Transcript:
    text = " ".join(["um"] * fillers + ["canary"] * (words - fillers))
    step = seconds / words
    timed = [speech.Word(text=w, start=i * step, end=i * step + 0.8 * step) for i, w in enumerate(text.split())]
    return speech.Transcript(text=text, words=timed, duration_s=seconds, backend="test")


def test_one_filler_in_eight_seconds_is_too_short_to_judge():
    d = speech.delivery(transcript(18, 8, fillers=1))
    assert not d.judged and not speech.enough_speech(d)
    assert d.advice[0].startswith("Too short to judge pace and fillers: 8 s and 18 words")
    assert not any("a minute" in a or "per minute" in a for a in d.advice)


def test_enough_speech_needs_both_time_and_words():
    assert speech.delivery(transcript(60, 25, fillers=5)).judged
    assert not speech.delivery(transcript(30, 25)).judged  # 25 s but 30 words
    assert not speech.delivery(transcript(60, 15)).judged  # 60 words in 15 s
    fast = speech.delivery(transcript(100, 25, fillers=10))
    assert any("filler words a minute" in a for a in fast.advice) and any("words per minute" in a for a in fast.advice)
    # Records saved before `judged` existed are judged from their numbers.
    old = {"duration_s": 8.0, "speaking_s": 8.0, "words": 18, "complete": True}
    assert not speech.enough_speech(old) and speech.enough_speech(old | {"speaking_s": 30.0, "words": 70})


def test_weekly_trend_counts_only_recordings_long_enough_weighted_by_time():
    a = speech.delivery(transcript(150, 60, fillers=6)).model_dump()  # 150 wpm, 6 fillers a minute
    b = speech.delivery(transcript(60, 30, fillers=0)).model_dump()  # 120 wpm
    short = speech.delivery(transcript(10, 5, fillers=5)).model_dump()
    weeks = delivery_trends.weekly(
        [
            ("2026-03-02T10:00:00+00:00", a),  # a Monday
            ("2026-03-08T22:00:00+00:00", b),  # the Sunday of the same week
            ("2026-03-09T09:00:00+00:00", short),
            ("2026-03-10T09:00:00+00:00", a),
        ]
    )
    assert [w.week for w in weeks] == ["2026-03-02", "2026-03-09"]
    first, second = weeks
    assert first.answers == 2 and second.answers == 1
    minutes = (a["speaking_s"] + b["speaking_s"]) / 60
    assert first.wpm == round(210 / minutes, 1) and first.fillers_per_min == round(6 / minutes, 1)
    assert abs(second.wpm - a["wpm"]) <= 0.2
