from interviewer.ui.progress import render

render()
