"""Words checked against the speech heard, and delivery from what was heard (no audio: known time stamps)."""

from __future__ import annotations

from interviewer.coaching import speech
from interviewer.coaching.speech_check import Span, merge, pauses, speaking_seconds, subtract, uncovered


def words(*stamps: tuple[str, float, float]) -> list[speech.Word]:
    return [speech.Word(text=t, start=s, end=e) for t, s, e in stamps]


def test_a_stretched_last_word_does_not_hide_lost_speech():
    # Issue 21: the prompted pass stopped at 14.9 s and stamped "it." over the rest of the 30 s window.
    heard = words(("model", 14.4, 14.6), ("sees", 14.6, 14.9), ("it.", 14.9, 30.0), ("resizing", 30.0, 31.0))
    gaps = uncovered([Span(start=0.0, end=38.8)], heard)
    # Words cover 14.0-16.8 and 29.6-31.4 (stamps cut to 1.5 s, 0.4 s slack each side).
    assert [(round(g.start, 1), round(g.end, 1)) for g in gaps] == [(0.0, 14.0), (16.8, 29.6), (31.4, 38.8)]


def test_short_gaps_and_silence_are_not_missing_speech():
    heard = words(("so", 0.2, 0.4), ("we", 1.5, 1.7), ("ship", 5.0, 5.4))
    speech_spans = [Span(start=0.1, end=1.9), Span(start=4.9, end=5.6)]  # the silence between is not speech
    assert uncovered(speech_spans, heard) == []
    assert uncovered([Span(start=0.1, end=3.5)], heard) == [Span(start=2.1, end=3.5)]


def test_span_arithmetic():
    assert merge([Span(start=3, end=4), Span(start=0, end=1), Span(start=0.5, end=2)]) == [
        Span(start=0, end=2),
        Span(start=3, end=4),
    ]
    assert merge([Span(start=0, end=1), Span(start=2.5, end=3)], within=2.0) == [Span(start=0, end=3)]
    assert subtract([Span(start=0, end=10)], [Span(start=2, end=3), Span(start=5, end=11)]) == [
        Span(start=0, end=2),
        Span(start=3, end=5),
    ]
    assert Span(start=21.2, end=48.4).label == "0:21-0:48" and Span(start=59.6, end=125).label == "1:00-2:05"


def test_speaking_time_and_pauses_from_speech_spans():
    spans = [Span(start=0, end=10), Span(start=10.5, end=20), Span(start=23, end=30)]
    assert speaking_seconds(spans, 2.0) == 27.0  # the 0.5 s breath counts as speaking, the 3 s pause does not
    assert pauses(spans, 2.0) == [3.0]


def transcript(missing: list[Span] | None = None) -> speech.Transcript:
    return speech.Transcript(
        text="So we ship it. Um, then we watch it. " * 10,
        words=words(("so", 0.0, 0.2), ("it", 59.0, 59.2)),
        duration_s=62,
        backend="test",
        speech=[Span(start=0, end=29), Span(start=32, end=60)],
        missing=missing or [],
    )


def test_delivery_uses_speaking_time_and_speech_pauses():
    metrics = speech.delivery(transcript())
    assert metrics.complete and metrics.speaking_s == 57.0 and metrics.long_pauses == [3.0]
    assert metrics.wpm == round(90 / (57 / 60), 1) and metrics.fillers == {"um": 10}


def test_incomplete_transcript_gives_no_pace_advice_and_says_what_is_missing():
    metrics = speech.delivery(transcript([Span(start=21.2, end=48.4)]), suggested_minutes=1)
    assert not metrics.complete and metrics.missing == ["0:21-0:48"]
    assert metrics.advice == ["0:21-0:48 was not transcribed: type it in the box or record again."]
    two = speech.delivery(transcript([Span(start=1, end=3), Span(start=21.2, end=48.4)]))
    assert two.advice[0].startswith("0:01-0:03 and 0:21-0:48 were not transcribed")
    assert transcript([Span(start=1, end=3)]).model_dump()["complete"] is False


def _render(live: bool) -> None:
    from interviewer.ui.chat import render_delivery  # AppTest runs this function's body alone

    render_delivery({"complete": False, "missing": ["0:21-0:48"], "wpm": 190.0, "advice": []}, live=live)


def test_the_answer_box_says_what_to_type_or_record_again_and_hides_delivery():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_render, kwargs={"live": True}, default_timeout=30).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["0:21-0:48 was not transcribed: type it in the box or record again."]
    assert not any("words/min" in c.value for c in at.caption)
    at = AppTest.from_function(
        _render, kwargs={"live": False}, default_timeout=30
    ).run()  # History: nothing left to do about it
    assert [c.value for c in at.caption] == ["Delivery not measured: 0:21-0:48 had no words in the transcript."]


def test_cli_transcribe_prints_what_is_missing_instead_of_pace(monkeypatch, capsys, tmp_path):
    from interviewer.cli import main

    class Partial:  # a fault: the transcriber heard only part of the speech
        def transcribe(self, path):
            return transcript([Span(start=21.2, end=48.4)])

    monkeypatch.setattr(speech, "get_transcriber", lambda *args: Partial())
    assert main(["transcribe", str(tmp_path / "answer.wav")]) == 0
    out = capsys.readouterr().out
    assert "0:21-0:48 was not transcribed" in out and "wpm" not in out
