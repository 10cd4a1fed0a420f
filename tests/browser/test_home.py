"""Smoke test of the real app in a browser: home page renders title and demo notice."""
from playwright.sync_api import expect

from .helpers import goto


def test_home_renders(page, app_server):
    goto(page, app_server, "/")
    expect(page.locator("h1", has_text="Zicht op ondermijning").first).to_be_visible()
    expect(page.get_by_text("demo").first).to_be_visible()
