"""docs/quickstart.ipynb runs top to bottom on the bundled corpus, in a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "quickstart.ipynb"

pytestmark = pytest.mark.slow


def test_the_quickstart_notebook_runs_and_shows_trends_and_figures():
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")  # stored clean
    NotebookClient(
        notebook, timeout=1200, kernel_name="python3", resources={"metadata": {"path": NOTEBOOK.parent}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("TrendDetector: " in h for h in html) and any("TrendReport: 5 trends" in h for h in html)
    figures = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) == 4
    assert all(f["data"]["application/vnd.plotly.v1+json"]["data"] for f in figures)  # every figure has traces
