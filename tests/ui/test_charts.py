"""Chart specs (no Streamlit run needed): what the browser is told to draw."""
import pandas as pd

from ui import charts


def _trend(area_name: str) -> dict:
    tr = pd.DataFrame({"year": [2022, 2023, 2024], "value": [1.0, None, 3.0],
                       "status": ["published", "suppressed", "published"], "reference": [2.0, 2.0, 2.5]})
    return charts.trend_chart(charts.trend_frame(tr, area_name, "Nederland", 1), "per 1.000").to_dict()


def _colours(spec: dict) -> dict[str, str]:
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert len(scale["domain"]) == len(scale["range"])
    return dict(zip(scale["domain"], scale["range"]))


def test_trend_colours_are_fixed_whatever_the_area_is_called():
    """Issue 13.5: without an explicit domain Vega sorts the names, so "Amsterdam" (before "Referentie")
    was red and "Rotterdam" (after it) grey, its reference red."""
    for name in ("Amsterdam", "Rotterdam", "Zwolle", "'s-Hertogenbosch", "Referendumwijk"):
        colours = _colours(_trend(name))
        assert colours == {name: charts.AREA_COLOR, "Referentie: Nederland": charts.REFERENCE_COLOR}, name
