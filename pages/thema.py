from ui.theme_page import render_declared

render_declared()  # the theme comes from the navigation: every theme of the indicator file uses this page
