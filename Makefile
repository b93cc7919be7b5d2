# `make demo`: set up .venv and label the bundled example article.
# `make test`: set up .venv and run the whole test suite (what CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test model benchmark clean

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
