"""Screenshots of a report's HTML in headless Chromium with the network shut off, and a check that every chart drew.

    python scripts/screenshot_report.py out/report.html [--out docs/screenshots]

Chromium (Debian's ``chromium`` package) opens the page with every connection refused (an
unreachable proxy, every host name unresolvable), so a chart that needed a CDN would stay
empty. For the whole page and for each chart on its own page it saves a PNG and checks:

- the DOM after the scripts ran: the plot containers plotly made, and the marks in each
  (scatter points, sunburst slices, the WebGL canvas of the document map);
- the pixels of each chart's screenshot against the same chart with every trace made fully
  transparent (same title, axes and legend): the marks must change at least 0.1% of them.

Prints one JSON object with the figures; exits 1 when a chart drew nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Chromium switches for a sandboxed, offline, reproducible render.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",  # nothing listens there: any request would fail
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=15000",  # let the page's scripts run to the end before the capture
]
#: A chart counts as drawn when its marks cover at least this share of its pixels (a blank chart: 0).
MIN_MARKED = 0.001


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def run_chromium(url: str, *args: str, size: tuple[int, int] = (1280, 900)) -> subprocess.CompletedProcess:
    binary = chromium()
    if binary is None:
        raise SystemExit("chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="trendlens-chromium-") as profile:
        command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}"]
        return subprocess.run([*command, *args, url], capture_output=True, text=True, timeout=180, check=False)


def screenshot(page: Path, png: Path, size: tuple[int, int]) -> None:
    done = run_chromium(page.resolve().as_uri(), f"--screenshot={png}", size=size)
    if not png.exists():
        raise SystemExit(f"chromium made no screenshot of {page}: {done.stderr[-2000:]}")


def dom_after_scripts(page: Path) -> str:
    return run_chromium(page.resolve().as_uri(), "--dump-dom").stdout


def marks(dom: str) -> dict[str, int]:
    """What plotly drew, counted in the DOM: plot containers, scatter points, sunburst slices, WebGL canvases."""
    return {
        "plots": dom.count('class="plot-container plotly"'),
        "points": len(re.findall(r'<path class="point[ "]', dom)),
        "slices": dom.count('<g class="slice'),
        "gl_canvases": dom.count('class="gl-canvas gl-canvas-context"'),
    }


def ink(png: Path) -> float:
    """Share of pixels that differ from the most common colour (the background)."""
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    total = sum(n for n, _ in colours)
    return 1 - max(n for n, _ in colours) / total if total else 0.0


def changed(png: Path, control: Path) -> float:
    """Share of pixels that differ between two screenshots of the same size."""
    from PIL import Image, ImageChops

    with Image.open(png) as a, Image.open(control) as b:
        difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
        histogram = difference.histogram()
    return 1 - histogram[0] / sum(histogram)


def without_marks(fig):  # type: ignore[no-untyped-def]
    """The control of a chart: the same figure, axes ranged by the same data, every trace fully transparent."""
    import plotly.graph_objects as go

    blank = go.Figure(fig)
    blank.update_traces(opacity=0)
    return blank


def chart_pages(report_json: Path, folder: Path) -> dict[str, tuple[Path, Path, int]]:
    """Per chart of the report: an offline page of it and of its control (plotly.js inline)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from trendlens import TrendReport
    from trendlens.report.html import charts

    report = TrendReport.load(report_json)
    pages = {}
    config = {"displaylogo": False}
    for _, fig in charts(report):
        name = fig.layout.title.text.split(":")[0].split("(")[0].strip().lower().replace(" ", "_")
        pages[name] = (folder / f"{name}.html", folder / f"{name}-blank.html", int(fig.layout.height or 600) + 40)
        fig.write_html(pages[name][0], include_plotlyjs=True, full_html=True, config=config)
        without_marks(fig).write_html(pages[name][1], include_plotlyjs=True, full_html=True, config=config)
    return pages


def check(report_html: Path, out: Path) -> dict:
    """Screenshots and checks of the page and of each chart (see the module docstring)."""
    out.mkdir(parents=True, exist_ok=True)
    result: dict = {"page": str(report_html), "charts": {}}
    whole = out / "report.png"
    screenshot(report_html, whole, (1280, 4200))
    result["screenshot"] = str(whole)
    result["page_marks"] = marks(dom_after_scripts(report_html))
    report_json = report_html.with_name("report.json")
    with tempfile.TemporaryDirectory(prefix="trendlens-charts-") as tmp:
        for name, (page, blank_page, height) in chart_pages(report_json, Path(tmp)).items():
            png, blank_png = out / f"{name}.png", Path(tmp) / f"{name}-blank.png"
            screenshot(page, png, (1200, height))
            screenshot(blank_page, blank_png, (1200, height))
            found = marks(dom_after_scripts(page))
            marked = changed(png, blank_png)  # the pixels the marks themselves cover
            drawn = marked >= MIN_MARKED and bool(found["points"] or found["slices"] or found["gl_canvases"])
            result["charts"][name] = {
                "screenshot": str(png),
                "ink": round(ink(png), 4),
                "pixels_of_marks": round(marked, 4),
                **found,
                "drawn": drawn,
            }
    result["all_drawn"] = bool(result["charts"]) and all(c["drawn"] for c in result["charts"].values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="a report.html written by trendlens (report.json beside it)")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="folder for the PNG files")
    args = parser.parse_args()
    result = check(args.report, args.out)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["all_drawn"] else 1)


if __name__ == "__main__":
    main()
