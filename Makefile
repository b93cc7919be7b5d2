# `make demo`: set up .venv and label the bundled example article.
# `make test`: set up .venv and run the whole test suite (what CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test model benchmark notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/stance analyze examples/sahel_airlift.txt

test: $(STAMP)
	$(BIN)/python -m pytest

# Rebuild the shipped model from training_data/ (deterministic).
model: $(STAMP)
	$(BIN)/python -c "from stance.persistence import build_default_model as b; print(b())"

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# Re-run the notebooks in place (after the shipped model changes), keeping their outputs.
notebooks: $(STAMP)
	$(BIN)/python -c "import glob, nbformat; from nbclient import NotebookClient; [nbformat.write(NotebookClient(nbformat.read(p, 4), timeout=300, kernel_name='python3', record_timing=False, resources={'metadata': {'path': 'notebooks'}}).execute(), p) for p in sorted(glob.glob('notebooks/*.ipynb'))]"
