"""Streamlit entry point: page registration and the shared sidebar only. Run with `make run`."""

import streamlit as st

from interviewer.ui import auth, sidebar, state

st.set_page_config(page_title="interviewer", page_icon="🎙️", layout="centered")
# Users see a short error, never a traceback; details go to the server log.
st.set_option("client.showErrorDetails", "none")

pages = [
    st.Page("interviewer/ui/pages/practice.py", title="Practice", icon="📝", default=True),
    st.Page("interviewer/ui/pages/mock.py", title="Mock interview", icon="🎤"),
    st.Page("interviewer/ui/pages/tailor.py", title="Tailor to a job", icon="🎯"),
    st.Page("interviewer/ui/pages/walkthrough.py", title="End-to-end walkthrough", icon="🧭"),
    st.Page("interviewer/ui/pages/quiz.py", title="Quiz", icon="⚡"),
    st.Page("interviewer/ui/pages/glossary.py", title="Glossary", icon="📖"),
    st.Page("interviewer/ui/pages/history.py", title="History", icon="🗂️"),
    st.Page("interviewer/ui/pages/progress.py", title="Progress", icon="📈"),
    st.Page("interviewer/ui/pages/settings.py", title="Settings", icon="⚙️"),
]
auth.require_sign_in()  # a shared deployment (an [auth] section in secrets): sign in first
navigation = st.navigation(pages)
sidebar.render()
state.warm_up()  # the grader's models load in the background while the first answer is written
navigation.run()
