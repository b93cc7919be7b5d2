"""The notebooks in notebooks/ run top to bottom in a fresh kernel and produce what they promise.

Each notebook runs in a kernel of *this* interpreter (the project's virtualenv), with notebooks/ as its working
directory, exactly as a reader would run it. A probe cell appended at the end reports the notebook's key
variables as JSON, so the checks look at the data and not only at the rendered output.
"""

import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
OUTLETS = ["Meridian Wire", "Northern Dispatch", "The Civic Review", "The Harbour Ledger"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def python3_kernel(tmp_path_factory):
    """A ``python3`` kernelspec that starts this interpreter, put first on JUPYTER_PATH for these tests only,
    so a ``python3`` kernel installed elsewhere (another Python, another venv) cannot be picked up instead."""
    from jupyter_client.kernelspec import KernelSpecManager

    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (stance tests)", "language": "python"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")])))
        assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable
        yield


def run_notebook(name: str, probe: str):
    """Execute notebooks/`name` in memory (the stored file is not touched); return its code cells' outputs
    and the JSON printed by `probe`, run last in the same kernel."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import json as _json\nprint(_json.dumps(" + probe + "))"))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    probe_cell = nb.cells.pop()
    probed = json.loads("".join(o["text"] for o in probe_cell.outputs if o.get("name") == "stdout"))
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs, probed


def stdout(outputs) -> str:
    return "".join(o["text"] for o in outputs if o.output_type == "stream" and o.name == "stdout")


def rich(outputs, mime: str) -> list[str]:
    return [o["data"][mime] for o in outputs if o.output_type in ("display_data", "execute_result")
            and mime in o["data"]]


def test_quickstart(python3_kernel):
    outputs, probed = run_notebook("01_quickstart.ipynb", """{
        "columns": list(table.columns), "kinds": sorted(set(table["kind"])), "prose": len(result.prose),
        "stance": result.stance, "evidence": len(paragraph.evidence), "means": len(paragraph.means),
        "holders": len(paragraph.holders)}""")
    assert "article stance:" in stdout(outputs)
    assert any("<table" in html for html in rich(outputs, "text/html"))
    assert len(rich(outputs, "image/png")) == 1
    assert {"stance", "p_support", "p_oppose", "p_neutral", "compound"} <= set(probed["columns"])
    assert "prose" in probed["kinds"] and probed["prose"] >= 3
    assert probed["stance"] in ("support", "oppose", "neutral")
    assert probed["evidence"] and probed["means"] and probed["holders"]


def test_corpus_study(python3_kernel):
    outputs, probed = run_notebook("02_corpus_study.ipynb", """{
        "articles": len(articles), "outlets": sorted(by_outlet["outlet"].unique()),
        "months": sorted(by_month["month"].unique()), "paragraphs": len(paragraphs),
        "labelled": sorted(paragraphs["stance"].unique()),
        "inside": bool(((by_outlet["lo"] <= by_outlet["share"] + 1e-9)
                        & (by_outlet["share"] <= by_outlet["hi"] + 1e-9)).all()),
        "sums": by_outlet.groupby("outlet")["share"].sum().round(6).tolist()}""")
    assert probed["articles"] == 16
    assert probed["outlets"] == OUTLETS
    assert probed["months"] == ["2031-03", "2031-04", "2031-05", "2031-06"]
    assert 48 <= probed["paragraphs"] <= 80
    assert set(probed["labelled"]) <= {"support", "oppose", "neutral"}
    assert probed["inside"]
    assert probed["sums"] == [1.0] * 4
    assert len(rich(outputs, "image/png")) == 1
    assert any("Northern Dispatch" in html for html in rich(outputs, "text/html"))


def test_train_and_evaluate(python3_kernel):
    outputs, probed = run_notebook("03_train_and_evaluate.ipynb", """{
        "sample": len(sample), "macro_f1": report.macro_f1, "grouped": grouped.extra["cv"],
        "errors": len(report.errors), "labels": [str(c) for c in loaded.classes_],
        "analysed": [p.stance for p in mine.prose], "cleaned": not tmp.exists()}""")
    printed = stdout(outputs)
    assert "macro-F1:" in printed
    assert any("macro-F1" in md for md in rich(outputs, "text/markdown"))
    assert len(rich(outputs, "image/png")) == 2  # confusion matrix and reliability diagram
    assert 850 <= probed["sample"] <= 950
    assert 0.4 < probed["macro_f1"] <= 1.0
    assert probed["grouped"] == "grouped"
    assert probed["errors"] >= 5
    assert sorted(probed["labels"]) == ["neutral", "oppose", "support"]
    assert probed["analysed"] and set(probed["analysed"]) <= {"support", "oppose", "neutral"}
    assert probed["cleaned"]
