from interviewer.ui.settings import render

render()
