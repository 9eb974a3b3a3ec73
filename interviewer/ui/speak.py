"""Questions read aloud: a "🔊 Listen" control, spoken by the browser's own voices or by an API server.

The browser backend is a Streamlit v2 component that runs in the page itself (not an iframe),
so the click that started an interview also lets autoplay speak. The text reaches the script
only as JSON `data`, never spliced into HTML or JS, so quotes or `</script>` in a question are
just words.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..coaching import tts
from ..errors import UserError
from . import state
from .escape import md_escape

NO_VOICE = (
    "No speech voice is available in this browser. Install one (on Linux: espeak-ng and speech-dispatcher, "
    "then restart the browser), or choose the API backend in Settings."
)
SAMPLE = "Walk me through how you would roll out a new model version safely."

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".speak");
  const button = root.querySelector("button");
  const status = root.querySelector(".status");
  const list = root.querySelector(".voices");
  const synth = "speechSynthesis" in window ? window.speechSynthesis : null;

  // Chrome fills the voice list asynchronously: wait for voiceschanged, but not forever.
  function voices() {
    if (!synth) return Promise.resolve([]);
    const now = synth.getVoices();
    if (now.length) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = () => resolve(synth.getVoices());
      synth.addEventListener("voiceschanged", done, { once: true });
      setTimeout(done, 2000);
    });
  }

  // One full explanation per page (the Quiz has a control per question); the others say it briefly.
  function noVoice() {
    const holder = window.__interviewerNoVoice;
    if (holder && holder !== status && holder.isConnected) {
      status.textContent = "(no voice)";
    } else {
      window.__interviewerNoVoice = status;
      status.textContent = data.no_voice;
    }
    button.disabled = true;
  }

  async function speak() {
    const all = await voices();
    if (!all.length || typeof SpeechSynthesisUtterance === "undefined") return noVoice();
    const utterance = new SpeechSynthesisUtterance(data.text);
    const chosen = all.find((v) => v.name === data.voice);
    if (chosen) utterance.voice = chosen;  // else the browser's default voice
    utterance.rate = data.rate;
    synth.cancel();  // one question at a time, never a queue
    synth.speak(utterance);
  }

  button.textContent = data.label;
  button.onclick = speak;
  voices().then((all) => {
    if (!all.length) return noVoice();
    status.textContent = "";
    button.disabled = false;
    if (data.list_voices) {
      list.replaceChildren(...all.map((v) => {
        const item = document.createElement("button");
        item.className = "voice";
        item.textContent = `${v.name} (${v.lang})`;
        item.onclick = () => setTriggerValue("picked", v.name);
        return item;
      }));
    }
  });
  // Python sends autoplay once per question; remember it here too, as the script may run again.
  if (data.autoplay && root.dataset.autoplayed !== data.text) {
    root.dataset.autoplayed = data.text;
    speak();
  }
}
"""

_HTML = '<div class="speak"><button type="button"></button> <span class="status" role="status"></span>'
_HTML += '<div class="voices"></div></div>'
_CSS = """
button { font: inherit; font-size: 0.85rem; padding: 0.15rem 0.6rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid var(--st-border-color, #ccc); background: transparent; color: inherit; }
button:disabled { cursor: default; opacity: 0.5; }
.status { font-size: 0.85rem; }
.voices button { margin: 0.2rem 0.2rem 0 0; }
"""

_browser_speaker = st.components.v2.component("interviewer_speak", html=_HTML, css=_CSS, js=_JS)


def _browser(
    text: str,
    key: str,
    *,
    autoplay: bool,
    label: str = "🔊 Listen",
    voice: str | None = None,
    rate: float = 1.0,
    on_pick: Callable[[], None] | None = None,
) -> None:
    data = {
        "text": text,
        "voice": voice or "",
        "rate": rate,
        "autoplay": autoplay,
        "label": label,
        "no_voice": NO_VOICE,
        "list_voices": on_pick is not None,
    }
    callbacks = {"on_picked_change": on_pick} if on_pick else {}
    _browser_speaker(key=f"speak_{key}", data=data, **callbacks)


def _api(text: str, key: str, *, autoplay: bool) -> None:
    shown = f"speak_{key}_shown"  # once fetched, the player stays on later reruns
    clicked = st.button("🔊 Listen", key=f"speak_{key}")
    if not (clicked or autoplay or st.session_state.get(shown)):
        return
    try:
        with st.spinner("Fetching the audio..."):
            audio = tts.APISpeaker.from_settings(state.settings()).speak(text)
    except UserError as exc:
        st.warning(f"Cannot read the question aloud: {md_escape(str(exc))}.")
        return
    st.session_state[shown] = True
    st.audio(audio, format=tts.audio_mime(audio), autoplay=clicked or autoplay)


def listen(text: str, key: str, *, autoplay: bool = False) -> None:
    """A Listen control for `text`. With `autoplay`, it also speaks by itself, on its first render only."""
    settings = state.settings()
    backend = settings.tts_backend
    if backend == "off":
        return
    spoken = f"speak_{key}_autoplayed"
    autoplay = autoplay and not st.session_state.get(spoken)
    if autoplay:
        st.session_state[spoken] = True
    if backend == "api":
        _api(text, key, autoplay=autoplay)
    else:
        _browser(text, key, autoplay=autoplay, voice=settings.tts_voice, rate=settings.tts_rate)


def voice_picker(voice_key: str, rate: float) -> None:
    """The browser's voices as buttons that fill the text input `voice_key`, and a sample to try them."""

    def pick() -> None:
        picked = st.session_state["speak_settings_voices"].get("picked")
        if picked:
            st.session_state[voice_key] = picked

    voice = st.session_state.get(voice_key)
    _browser(SAMPLE, "settings_voices", autoplay=False, label="🔊 Try this voice", voice=voice, rate=rate, on_pick=pick)
