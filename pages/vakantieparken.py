from ui.theme_page import render

render("vakantieparken")
