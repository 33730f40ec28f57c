# trendlens developer commands. A fresh machine needs only `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# CPU build of torch, installed before anything that depends on it:
# an unpinned torch resolves to a CUDA build of several GB.
TORCH  := torch==2.13.0
DEMO_CORPUS := corpora/huffpost.jsonl.gz
OUT    := out

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test test-fast bench eval models lint format clean screenshots docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[onnx,static,dask,dev]'
	touch $(STAMP)

install: $(STAMP)

DOCS_STAMP := $(VENV)/.docs-stamp
$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

# The documentation site in site/ (mkdocs, API reference from the docstrings); fails on any warning.
docs: $(DOCS_STAMP)
	$(BIN)/mkdocs build --strict

demo:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory install && \
	$(BIN)/trendlens run $(DEMO_CORPUS) --out $(OUT) && \
	echo "make demo: done in $$(( $$(date +%s) - start )) s (install included); report in $(OUT)/report.md"

# One worker more than the cores (pytest-xdist), a test file per worker so its module fixtures are made once, each
# worker's thread pools sized to its share of the cores (tests/conftest.py). The workers of a 2-core machine wait
# on subprocesses, files and single-threaded steps for part of the time. Whole suite on a 2-core machine
# (2026-12-07): in the checkout, 830 s with three workers, 919 s with four, 982-1,040 s with two; in clean clones,
# 930 s with three, 941 s with two. A small gain within this machine's noise, never a loss. The slowest files go
# first (tests/conftest.py FILE_SECONDS; xdist's own order is by number of tests): clean clones took 841 s and 940 s,
# against 966 s the same afternoon in xdist's order, again within the noise. `pytest` alone runs in one process.
# The cores this process may use (its affinity, as nproc and tests/conftest.py count them; all of them where
# the OS has no affinity, as on macOS, which has no nproc either), plus one.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1)')

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow"

# Screenshots of the demo report in headless Chromium, network shut off (needs `apt-get install chromium`).
screenshots: $(STAMP)
	@test -f $(OUT)/report.html || $(MAKE) --no-print-directory demo
	$(BIN)/python scripts/screenshot_report.py $(OUT)/report.html --out docs/screenshots

# Topic quality of trendlens vs plain BERTopic (benchmarks/results/evaluation.json; see docs/evaluation.md).
eval: $(STAMP)
	@start=$$(date +%s); \
	$(BIN)/trendlens eval --corpora-dir corpora \
		--corpus bbc 20newsgroups trump huffpost crisislex --out benchmarks/results/evaluation.json && \
	$(BIN)/trendlens eval --prospective --corpora-dir corpora --out benchmarks/results/prospective.json && \
	echo "make eval: done in $$(( $$(date +%s) - start )) s"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_embedding.py
	$(BIN)/python benchmarks/bench_job.py
	$(BIN)/python benchmarks/bench_update.py
	$(BIN)/python benchmarks/bench_memory.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_dask.py
	$(BIN)/python benchmarks/bench_multilingual.py

# Rebuild models/ (ONNX tiers and the static model) from the installed MiniLM and the bundled corpora.
models: $(STAMP)
	$(BIN)/python scripts/build_models.py

lint: $(STAMP)
	$(BIN)/ruff check trendlens tests benchmarks scripts
	$(BIN)/ruff format --check trendlens tests benchmarks scripts

format: $(STAMP)
	$(BIN)/ruff format trendlens tests benchmarks
	$(BIN)/ruff check --fix trendlens tests benchmarks

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
