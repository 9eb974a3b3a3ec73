from interviewer.ui.history import render

render()
