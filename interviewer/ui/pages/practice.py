from interviewer.ui.practice import render

render()
