"""Architecture rules that keep the core reusable."""

import subprocess
import sys

from .conftest import ROOT


def test_core_never_imports_streamlit():
    code = (
        "import sys, interviewer.cli, interviewer.content.bank, interviewer.history.store, interviewer.coaching.interview, interviewer.coaching.answers, "
        "interviewer.graders.keyword, interviewer.config; print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
