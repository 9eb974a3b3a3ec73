"""Sign-in for shared deployments, with Streamlit's built-in authentication (`st.login`).

When `.streamlit/secrets.toml` has an `[auth]` section, every visitor signs in and is their own
profile: the profile picker goes away, and every history query runs for the signed-in user only.
Without it, the app is the single-user laptop app with a profile picker.
"""

from __future__ import annotations

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


def signed_in_profile() -> str | None:
    """The signed-in user's profile name: their e-mail, or the provider's subject id if it gives none."""
    if not enabled() or not st.user.get("is_logged_in"):
        return None
    identity = str(st.user.get("email") or st.user.get("sub") or "").strip().lower()
    return identity or None


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
    name = st.user.get("name") or signed_in_profile()
    st.caption(f"Signed in as **{md_escape(str(name))}**")
    st.button("Sign out", key="sign_out", on_click=st.logout)
