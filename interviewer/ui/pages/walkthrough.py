from interviewer.ui.walkthrough import render

render()
