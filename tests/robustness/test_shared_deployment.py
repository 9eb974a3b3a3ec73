"""A shared deployment with sign-in (`st.login`): each account is its own profile and reaches only its own data."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.coaching import interview
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history import export, progress
from interviewer.history.store import Store, connect
from interviewer.ui import auth

from ..conftest import ROOT

BANK = load_bank()
GRADER = get_grader("keyword")
QID = "canary-vs-blue-green"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret",
    "client_id": "interviewer-test",
    "client_secret": "test-only-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
HISTORY = "interviewer/ui/pages/history.py"
SETTINGS = "interviewer/ui/pages/settings.py"


def test_every_read_is_scoped_to_one_profile():
    store = Store(connect(":memory:"))
    mine = store.for_profile("ada@example.com")
    session = interview.start(mine, BANK, "mock", [QID])
    interview.begin_question(session, now=0.0)
    first = interview.answer(mine, GRADER, BANK, session, "A canary sends 5% of traffic first.", now=60.0)
    interview.answer(mine, GRADER, BANK, session, "Blue-green doubles the cost.", now=90.0)
    mine.save_draft("mock:x:main", "half an answer")
    result = {"total": 5, "correct": 3, "late": 0, "time_used_s": 40.0, "over_time": False}
    mine.save_quiz('{"seed": 1, "started_at": "2026-01-01T09:00:00+00:00"}', result)
    ada, bob = "ada@example.com", "bob@example.com"
    assert store.for_profile(ada).attempt(first.attempt_id) and store.for_profile(ada).follow_ups(first.attempt_id)
    assert store.for_profile(ada).session(session.id) and interview.resume(store.for_profile(ada), session.id)
    # Bob knows (or guesses) Ada's ids: every read still comes back empty.
    assert store.for_profile(bob).attempt(first.attempt_id) is None
    assert store.for_profile(bob).follow_ups(first.attempt_id) == []
    assert (
        store.for_profile(bob).session(session.id) is None
        and interview.resume(store.for_profile(bob), session.id) is None
    )
    assert (
        store.for_profile(bob).attempts() == []
        and store.for_profile(bob).count_attempts() == 0
        and store.for_profile(bob).count_filtered() == 0
    )
    assert store.for_profile(bob).open_sessions() == [] and store.for_profile(bob).draft("mock:x:main") is None
    assert len(store.for_profile(ada).quiz_rounds()) == 1 and store.for_profile(bob).quiz_rounds() == []
    assert store.for_profile(bob).topic_mastery() == [] and progress.weak_spots(store.for_profile(bob), BANK) == []
    assert export.records(store.for_profile(bob)) == []


def signed_in(user: dict | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    return at.run()


def test_visitors_must_sign_in_first():
    at = signed_in({"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.text_area and not at.sidebar.selectbox  # no page and no profile picker before sign-in


def test_each_account_is_its_own_profile(isolated_env):
    ada = signed_in(
        {"is_logged_in": True, "iss": "https://idp.test", "sub": "ada-1", "email": "Ada@Example.com", "name": "Ada"}
    )
    assert not ada.exception
    assert "Signed in as **Ada**" in [c.value for c in ada.sidebar.caption]
    assert not ada.sidebar.selectbox  # the account decides the profile; there is nothing to pick
    ada.selectbox(key="practice_topic").set_value("release-strategies").run()
    ada.selectbox(key="practice_question").set_value(QID).run()
    ada.text_area[0].input("I'd use a canary: 5% of traffic first, then ramp up.")
    ada.button(key="submit").click().run()
    assert not ada.exception

    store = Store.open(isolated_env / "history.db")
    ada_profile = auth.profile_for("https://idp.test", "ada-1")  # issuer + subject, not the e-mail
    assert store.for_profile(ada_profile).count_attempts() == 1 and store.profiles() == [ada_profile]

    bob = signed_in({"is_logged_in": True, "iss": "https://idp.test", "sub": "bob-2", "email": "bob@example.com"})
    bob.switch_page(HISTORY).run()
    assert not bob.exception
    assert bob.info[0].value.startswith("No attempts yet")


def test_settings_are_read_only_on_a_shared_deployment():
    at = signed_in({"is_logged_in": True, "iss": "https://idp.test", "sub": "ada-1", "email": "ada@example.com"})
    at.switch_page(SETTINGS).run()
    assert not at.exception
    assert at.info[0].value.startswith("This is a shared deployment")
    assert not at.main.text_input and not at.main.button  # no server URL to type, nothing to save


@pytest.mark.parametrize("section", [{}, "not a table"])
def test_without_an_auth_section_the_app_stays_single_user(section):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = section
    at.run()
    assert not at.exception and at.sidebar.selectbox(key="profile_picker")
