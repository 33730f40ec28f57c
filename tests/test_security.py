"""Nothing a user passes is executed: no pickle-family loading anywhere, pickled models refused, outputs stay put.

(HTML and Markdown escaping of hostile text are tested in test_report.py, YAML tags in test_taxonomy.py.)
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from tests.test_report import make_report
from trendlens.embed import resolve

PACKAGE = Path(__file__).resolve().parents[1] / "trendlens"

#: Modules that turn bytes into live objects (and so run code on load).
UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}
#: Calls that do the same, or run text as code.
UNSAFE_CALLS = {"torch.load", "yaml.load", "yaml.unsafe_load", "pd.read_pickle", "pandas.read_pickle", "eval", "exec"}


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def unsafe_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(node.module)
        elif isinstance(node, ast.Call):
            name = dotted(node.func)
            if name in UNSAFE_CALLS:
                found.append(name)
            pickled = any(k.arg == "allow_pickle" and getattr(k.value, "value", False) for k in node.keywords)
            if name.endswith(".load") and pickled:
                found.append(f"{name}(allow_pickle=True)")
    return found


def test_the_scanner_finds_what_it_looks_for():
    hostile = (
        "import pickle\nfrom joblib import load\nimport torch\ntorch.load(p)\nnp.load(p, allow_pickle=True)\neval(s)"
    )
    assert unsafe_uses(hostile) == ["pickle", "joblib", "torch.load", "np.load(allow_pickle=True)", "eval"]
    assert unsafe_uses("import numpy as np\nnp.load(p, mmap_mode='r')\nyaml.safe_load(t)") == []


def test_no_module_of_trendlens_loads_pickles_or_runs_text_as_code():
    offenders = {
        str(path.relative_to(PACKAGE)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if (uses := unsafe_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_a_model_folder_holding_only_pickled_weights_is_never_loaded(monkeypatch, tmp_path):
    folder = tmp_path / resolve.MINILM_DIRNAME
    folder.mkdir()
    (folder / "modules.json").write_text("[]", encoding="utf-8")
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04 a pickle would run code here")
    monkeypatch.setenv("TRENDLENS_MODELS", str(tmp_path))
    chosen = resolve.resolve_minilm()
    assert chosen != folder and (chosen / "model.safetensors").is_file()


def test_trend_names_cannot_place_files_outside_the_output_folder(tmp_path):
    base = make_report()
    escaping = "../../escaped/report"  # self-contained: not a read
    hostile = dataclasses.replace(base.trends[0], label=escaping, keywords=("/etc/passwd", "..\\x"))
    out = tmp_path / "a" / "out"
    paths = dataclasses.replace(base, trends=(hostile,)).save(out)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "a/out/report.html",
        "a/out/report.json",
        "a/out/report.md",
    ]
    assert set(paths.values()) == {out / "report.json", out / "report.md", out / "report.html"}
