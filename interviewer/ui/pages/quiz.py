from interviewer.ui.quiz import render

render()
