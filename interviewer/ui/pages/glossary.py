from interviewer.ui.glossary import render

render()
