"""Sign-in for shared deployments, with Streamlit's built-in authentication (`st.login`).

When `.streamlit/secrets.toml` has an `[auth]` section, every visitor signs in and is their own
profile: the profile picker goes away, and every history query runs for the signed-in user only. An account
is its issuer and subject (`iss`, `sub`), never its e-mail, which is only shown, and only when verified.
Without it, the app is the single-user laptop app with a profile picker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import streamlit as st

from .escape import md_escape


def _auth_section() -> Mapping:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml is the normal, single-user case
        return {}
    return section if isinstance(section, Mapping) else {}


def enabled() -> bool:
    return bool(_auth_section())


def providers() -> list[str | None]:
    """`None` for the default `[auth]` provider, then each named `[auth.NAME]` provider."""
    section = _auth_section()
    named = [name for name, value in section.items() if isinstance(value, Mapping) and "client_id" in value]
    return ([None] if "client_id" in section else []) + named


LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def listening_beyond_loopback() -> str | None:
    """Where the server listens, when that is more than this machine (None when only loopback). Streamlit
    listens on every interface when `server.address` is unset."""
    address = str(st.get_option("server.address") or "").strip()
    if address.startswith(LOOPBACK):
        return None
    return address or "every network interface"


def exposure_warning() -> None:
    """Warn when the app can be reached from other machines without sign-in: anyone there sees every profile."""
    where = listening_beyond_loopback()
    if where is None or enabled():
        return
    st.warning(
        f"This app is listening on {md_escape(where)} without sign-in: anyone who can reach it can read every "
        "profile's answers and change the settings. Serve it on 127.0.0.1 (`make run` does), or turn on sign-in "
        "(README, *Hosting it for a group*).",
        icon="⚠️",
    )


def _claim(name: str) -> str:
    return str(st.user.get(name) or "").strip()


def profile_for(issuer: str, subject: str) -> str:
    """The profile of one account: issuer and subject, the one identity an OpenID provider guarantees to be
    stable and unique. Hashed, so the name says nothing about the person (and cannot be made from an e-mail);
    the same account always gets the same name."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:32]
    return f"account-{digest}"


def signed_in_profile() -> str | None:
    """The signed-in account's profile name (issuer + subject). The e-mail claim never decides whose data this is:
    it can be unverified, reused or change; it is only shown, and only when verified."""
    if not enabled() or not st.user.get("is_logged_in"):
        return None
    subject = _claim("sub")
    if not subject:
        return None  # a provider that names no subject cannot be told apart from another account
    return profile_for(_claim("iss") or _issuer_fallback(), subject)


def _issuer_fallback() -> str:
    """Streamlit passes the ID token's claims; should `iss` be missing, the configured provider stands in."""
    section = _auth_section()
    for provider in providers():
        conf = section.get(provider, section) if provider else section
        if isinstance(conf, Mapping) and conf.get("server_metadata_url"):
            return str(conf["server_metadata_url"])
    return "unknown-issuer"


def verified_email() -> str | None:
    """The e-mail address, only when the provider says it is verified (`email_verified`)."""
    email = _claim("email").lower()
    verified = st.user.get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    return email if email and verified is True else None


def legacy_profile() -> str | None:
    """The profile this account had when profiles were keyed by e-mail: its verified address. Its history moves
    to the account's own profile on the first sign-in (`state.store()`), and only its verified owner's."""
    return verified_email()


def require_sign_in() -> None:
    """On a shared deployment, stop here until the visitor has signed in."""
    if not enabled() or signed_in_profile():
        return
    st.title("interviewer")
    st.write("Sign in to practise. Your answers and progress are private to your account.")
    for provider in providers() or [None]:
        label = f"Sign in with {provider.title()}" if provider else "Sign in"
        st.button(label, key=f"sign_in_{provider or 'default'}", on_click=st.login, args=(provider,), type="primary")
    st.stop()


def account_box() -> None:
    """Who is signed in, and the way out; shown in the sidebar instead of the profile picker."""
    name = _claim("name") or verified_email() or "your account"
    st.caption(f"Signed in as **{md_escape(name)}**")
    st.button("Sign out", key="sign_out", on_click=st.logout)
