from interviewer.ui.tailor import render

render()
