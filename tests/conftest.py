import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "training_data" / "corpus.jsonl"
DATA = Path(__file__).parent / "data"


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus():
    return read_jsonl(CORPUS)


@pytest.fixture(scope="session")
def tiny():
    """Our own small labelled fixture: fast to train on."""
    rows = read_jsonl(DATA / "tiny.jsonl")
    return [r["text"] for r in rows], [r["stance"] for r in rows]


@pytest.fixture(scope="session")
def small_model(corpus):
    """A model trained on a slice of the corpus, quicker than the shipped one."""
    from stance import StanceClassifier

    rows = [r for r in corpus if r["split"] == "train"][:400]
    return StanceClassifier(char_ngrams=(3, 4)).fit([r["text"] for r in rows], [r["stance"] for r in rows])


@pytest.fixture(scope="session")
def default_model():
    import stance

    return stance.load_default_model()


@pytest.fixture
def shared():
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
