"""ZOO_RERUN_LOG: one JSON line per script run with the page and its server-side time."""
import json

from .apptest_util import open_page


def test_every_rerun_is_logged_with_page_and_time(tmp_path, monkeypatch):
    log = tmp_path / "reruns.jsonl"
    monkeypatch.setenv("ZOO_RERUN_LOG", str(log))
    at = open_page("drugs")
    at.selectbox(key="drugs:year").set_value(2021).run()
    assert not at.exception
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["page"] for r in runs][-2:] == ["drugs", "drugs"]
    assert all(r["ms"] > 0 for r in runs)


def test_no_log_without_the_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("ZOO_RERUN_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    at = open_page("drugs")
    assert not at.exception
    assert list(tmp_path.iterdir()) == []
