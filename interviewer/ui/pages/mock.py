from interviewer.ui.mock import render

render()
