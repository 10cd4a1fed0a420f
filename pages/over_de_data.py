from ui.about import render

render()
