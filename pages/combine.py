from ui.combine_page import render

render()
