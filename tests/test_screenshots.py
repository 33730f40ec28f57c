"""The report page in a real browser: headless Chromium, network shut off, every chart must draw.

Runs where Debian's ``chromium`` is installed (.ci/run installs it when it can); the checks
themselves are in scripts/screenshot_report.py.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "screenshot_report.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def shots():
    spec = importlib.util.spec_from_file_location("screenshot_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def page(fitted, tmp_path_factory) -> Path:
    return fitted.report(top=8).save(tmp_path_factory.mktemp("page"))["html"]


def test_every_chart_of_the_report_draws_offline(shots, page, tmp_path):
    result = shots.check(page, tmp_path)
    names = {"top_8_trends_over_time", "virality_map", "trends_in_the_hierarchy", "document_map"}
    assert set(result["charts"]) == names
    for name, chart in result["charts"].items():
        assert chart["drawn"], (name, chart)
        assert Path(chart["screenshot"]).stat().st_size > 10_000
    assert result["charts"]["top_8_trends_over_time"]["points"] > 8
    assert result["charts"]["trends_in_the_hierarchy"]["slices"] > 8
    assert result["charts"]["document_map"]["gl_canvases"] == 1
    assert result["page_marks"]["plots"] == 4 and result["all_drawn"]


def test_the_same_page_with_plotly_from_a_cdn_draws_nothing_offline(shots, page, tmp_path):
    """The control: were plotly.js fetched from the network, nothing would draw here."""
    from plotly.offline import get_plotlyjs

    html = page.read_text(encoding="utf-8")
    inline = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    assert inline in html
    cdn = tmp_path / "report.html"
    cdn.write_text(html.replace(inline, '<script src="https://cdn.plot.ly/plotly-3.0.1.min.js"></script>'), "utf-8")
    found = shots.marks(shots.dom_after_scripts(cdn))
    assert found["plots"] == 0 and found["points"] == 0 and found["slices"] == 0
