from ui.profile_page import render

render()
