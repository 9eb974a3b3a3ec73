"""The laptop app stays on the laptop (loopback, a warning otherwise, the key only for its own server), and on a
shared deployment an account is its issuer and subject, never an e-mail claim."""

from __future__ import annotations

import json
import re

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from interviewer.coaching import interview
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history.store import Store
from interviewer.ui import auth
from interviewer.ui.escape import md_escape

from ..conftest import ROOT, new_app
from ..fake_llm import FakeLLMServer
from .test_shared_deployment import AUTH

SETTINGS = "interviewer/ui/pages/settings.py"
HISTORY = "interviewer/ui/pages/history.py"
KEY = "sk-environment-key-0123456789"

# --- loopback by default, a warning otherwise ---------------------------------------------------------------


def test_make_run_serves_loopback_and_the_readme_says_how_to_serve_others():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^ADDRESS \?= 127\.0\.0\.1$", makefile, re.M)
    assert "streamlit run app.py --server.address $(ADDRESS)" in makefile
    readme = (ROOT / "README.md").read_text()
    assert "ADDRESS=0.0.0.0 make run" in readme and "needs sign-in" in readme


@pytest.mark.parametrize(("address", "warned"), [("0.0.0.0", True), ("", True), ("127.0.0.1", False)])
def test_the_app_warns_when_it_listens_beyond_loopback_without_sign_in(address, warned):
    config.set_option("server.address", address or None)
    at = new_app()
    warnings = [w.value for w in at.sidebar.warning]
    assert bool(warnings) == warned
    if warned:
        assert "without sign-in: anyone who can reach it can read every profile's answers" in warnings[0]


def test_no_warning_with_sign_in():
    config.set_option("server.address", "0.0.0.0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": "https://idp.test", "sub": "1"}
    at.run()
    assert not at.exception and not at.warning


# --- a key goes only to the server it was configured for ----------------------------------------------------------


def test_a_typed_base_url_gets_the_environment_key_only_once_confirmed(app, monkeypatch, settings_file):
    monkeypatch.setenv("INTERVIEWER_LLM_API_KEY", KEY)
    with FakeLLMServer(models=("m",)) as fake:
        at = new_app().switch_page(SETTINGS).run()
        at.text_input(key="settings_base_url").input(fake.base_url).run()
        at.button(key="settings_test").click().run()
        assert not at.exception and at.success  # connected, without the key
        assert fake.authorizations == ["Bearer not-needed"]
        host = fake.base_url.split("//")[1].split("/")[0]
        at.button(key="settings_save").click().run()
        saved = json.loads(settings_file.read_text())
        assert saved["llm_base_url"] == fake.base_url and saved["llm_key_host"] == "api.openai.com"

        # A new session: the saved URL still does not get the key until the user ticks the box.
        at = new_app().switch_page(SETTINGS).run()
        box = at.checkbox(key=f"settings_send_key_{host}")
        assert box.label == f"Send my API key to {md_escape(host)}"
        box.check().run()
        at.button(key="settings_test").click().run()
        assert fake.authorizations[-1] == f"Bearer {KEY}"
        at.button(key="settings_save").click().run()
    saved = json.loads(settings_file.read_text())
    assert saved["llm_key_host"] == host and KEY not in settings_file.read_text()


# --- hosted identity: issuer + subject ------------------------------------------------------------------------------


def signed_in(user: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **user}
    return at.run()


def legacy_history(db) -> int:
    """Ada's history from before: a profile keyed by her e-mail, as sign-in used to make."""
    bank, store = load_bank(), Store.open(db).for_profile("ada@example.com")
    session = interview.start(store, bank, "practice", ["canary-vs-blue-green"])
    interview.begin_question(session, now=0.0)
    interview.answer(store, get_grader("keyword"), bank, session, "Ada's private canary answer.", now=1.0)
    store.save_draft("practice:x:main", "Ada's draft")
    return store.attempts()[0].id


ADA = {"iss": "https://idp.test", "sub": "ada-123", "email": "ada@example.com", "email_verified": True}


@pytest.mark.parametrize(
    "impostor",
    [
        {"iss": "https://idp.test", "sub": "eve-9", "email": "ADA@example.com", "email_verified": False},
        {"iss": "https://idp.test", "sub": "eve-9", "email": "ada@example.com"},  # no email_verified claim
        {"iss": "https://idp.test", "sub": "ada@example.com"},  # a subject that looks like her e-mail
        {"iss": "https://other-idp.test", "sub": "ada-123"},  # her subject at another issuer
    ],
)
def test_an_unverified_or_lookalike_identity_never_reads_another_account(isolated_env, impostor):
    legacy_history(isolated_env / "history.db")
    at = signed_in(impostor)
    at.switch_page(HISTORY).run()
    assert not at.exception
    assert at.info[0].value.startswith("No attempts yet")
    assert not any("Ada" in c.value for c in at.sidebar.caption)  # an unverified e-mail is not shown either


def test_the_verified_owner_takes_the_e_mail_profile_along_once(isolated_env):
    attempt_id = legacy_history(isolated_env / "history.db")
    at = signed_in(ADA | {"name": "Ada"})
    assert "Signed in as **Ada**" in [c.value for c in at.sidebar.caption]
    at.switch_page(HISTORY).run()
    assert not at.exception and len(at.dataframe[0].value) == 1
    store = Store.open(isolated_env / "history.db")
    profile = auth.profile_for("https://idp.test", "ada-123")
    assert store.profiles() == [profile] and re.fullmatch(r"account-[0-9a-f]{32}", profile)
    mine = store.for_profile(profile)
    assert mine.attempt(attempt_id).answer == "Ada's private canary answer."
    assert mine.draft("practice:x:main") == "Ada's draft"
    # Later, someone claiming her address unverified gets nothing: the e-mail profile is gone.
    eve = signed_in({"iss": "https://idp.test", "sub": "eve-9", "email": "ada@example.com"})
    eve.switch_page(HISTORY).run()
    assert eve.info[0].value.startswith("No attempts yet")


def test_a_provider_without_a_subject_cannot_sign_in():
    at = signed_in({"email": "ada@example.com", "email_verified": True})
    assert [b.label for b in at.button] == ["Sign in"]
