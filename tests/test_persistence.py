import json
import os
import pickle
import shutil
import zipfile

import numpy as np
import pytest

from stance import ModelError, StanceClassifier, load_model, persistence


@pytest.fixture(scope="module")
def fitted(tiny):
    X, y = tiny
    return StanceClassifier(char_ngrams=None).fit(X, y)


def test_skops_round_trip(fitted, tiny, tmp_path):
    X, _ = tiny
    path = fitted.save(tmp_path / "m.skops")
    again = load_model(path)
    np.testing.assert_allclose(again.predict_proba(X), fitted.predict_proba(X))
    with zipfile.ZipFile(path) as z:  # the file records versions and labels
        assert "schema.json" in z.namelist()


def test_joblib_needs_trust(fitted, tiny, tmp_path):
    X, _ = tiny
    path = fitted.save(tmp_path / "m.joblib")
    with pytest.raises(ModelError, match="trust=True"):
        load_model(path)
    np.testing.assert_allclose(load_model(path, trust=True).predict_proba(X), fitted.predict_proba(X))
    upper = fitted.save(tmp_path / "M.JOBLIB")  # the suffix in any case is joblib, as load_model reads it
    with pytest.raises(ModelError, match="trust=True"):
        load_model(upper)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/stance-pwned",))


def test_crafted_pickle_is_refused(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"metadata": {}, "model": _Evil()}))
    with pytest.raises(ModelError, match="arbitrary code"):
        load_model(path)


class Foreign:
    def __init__(self):
        self.payload = "anything"


def test_skops_with_foreign_type_is_refused(tmp_path):
    import skops.io as sio

    path = tmp_path / "foreign.skops"
    sio.dump({"metadata": {"library": "intervention-stance"}, "model": Foreign()}, path)
    with pytest.raises(ModelError, match="does not trust"):
        load_model(path)


def test_tampered_skops_file_is_refused(fitted, tmp_path):
    path = fitted.save(tmp_path / "m.skops")
    tampered = tmp_path / "t.skops"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "schema.json":
                data = data.replace(b"stance.classifier", b"os.system.classifier", 1)
            dst.writestr(item, data)
    with pytest.raises(ModelError):
        load_model(tampered)


def test_other_library_and_label_mismatch_refused(fitted, tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"metadata": {"library": "someone-else"}, "model": fitted}, path)
    with pytest.raises(ModelError, match="not by intervention-stance"):
        load_model(path, trust=True)
    meta = {**persistence.versions(), "labels": ["a", "b"]}
    joblib.dump({"metadata": meta, "model": fitted}, path)
    with pytest.raises(ModelError, match="label set"):
        load_model(path, trust=True)


def test_missing_and_unfitted(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "nope.skops")
    with pytest.raises(ModelError, match="unfitted"):
        persistence.save_model(StanceClassifier(), tmp_path / "x.skops")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelError, match=r"notes.txt: not a model file \(expected a .skops file"):
        load_model(notes)


def test_saving_onto_a_folder_is_refused(fitted, tmp_path):
    with pytest.raises(ModelError, match="is a folder; give a file name"):
        fitted.save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_save_is_atomic(fitted, tmp_path, monkeypatch):
    path = fitted.save(tmp_path / "m.skops")
    before = path.read_bytes()
    import skops.io as sio

    def crash(obj, file, **kwargs):
        open(file, "wb").write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(sio, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        fitted.save(path)
    assert path.read_bytes() == before  # the old model survives a crash mid-save
    assert [p.name for p in tmp_path.iterdir()] == ["m.skops"]  # no temporary file left


def test_default_model_is_verified(monkeypatch, tmp_path):
    model = persistence.load_default_model()
    assert set(model.classes_) == {"support", "oppose", "neutral"}
    manifest = json.loads(persistence.MANIFEST.read_text())
    assert manifest["sha256"] == persistence.sha256(persistence.DEFAULT_MODEL)
    # a changed file is refused
    fake = tmp_path / "models"
    shutil.copytree(persistence.MODELS_DIR, fake)
    with open(fake / "default.pkl", "ab") as fh:
        fh.write(b"tampered")
    monkeypatch.setattr(persistence, "MODELS_DIR", fake)
    monkeypatch.setattr(persistence, "MANIFEST", fake / "manifest.json")
    monkeypatch.setattr(persistence, "DEFAULT_MODEL", fake / "default.pkl")
    persistence.clear_cache()
    try:
        with pytest.raises(ModelError, match="SHA-256"):
            persistence.load_default_model()
    finally:
        persistence.clear_cache()


def test_default_model_rebuilds_for_another_sklearn(monkeypatch, tmp_path, capsys):
    """A manifest from another scikit-learn version triggers a rebuild from the bundled data, cached."""
    fake = tmp_path / "models"
    shutil.copytree(persistence.MODELS_DIR, fake)
    manifest = json.loads((fake / "manifest.json").read_text())
    manifest["scikit-learn"] = "0.0.1"
    manifest["params"] = {"char_ngrams": None}  # keep the test quick
    (fake / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(persistence, "MANIFEST", fake / "manifest.json")
    monkeypatch.setattr(persistence, "DEFAULT_MODEL", fake / "default.pkl")
    monkeypatch.setattr(persistence, "BUNDLED_DATA", fake / "training.jsonl.gz")
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    persistence.clear_cache()
    try:
        model = persistence.load_default_model()
        assert "rebuilding" in capsys.readouterr().err
        assert list((tmp_path / "cache").glob("*.pkl"))
        persistence.clear_cache()
        again = persistence.load_default_model()  # from the cache, silently
        assert "rebuilding" not in capsys.readouterr().err
        text = ["The alliance must send more troops."]
        np.testing.assert_allclose(model.predict_proba(text), again.predict_proba(text))
    finally:
        persistence.clear_cache()


def test_a_damaged_or_unwritable_cache_falls_back_to_a_rebuild(monkeypatch, tmp_path, fitted):
    fake = tmp_path / "models"
    shutil.copytree(persistence.MODELS_DIR, fake)
    manifest = json.loads((fake / "manifest.json").read_text())
    manifest["scikit-learn"] = "0.0.1"
    (fake / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setattr(persistence, "MANIFEST", fake / "manifest.json")
    monkeypatch.setattr(persistence, "DEFAULT_MODEL", fake / "default.pkl")
    monkeypatch.setattr(persistence, "BUNDLED_DATA", fake / "training.jsonl.gz")
    builds = []
    monkeypatch.setattr(persistence, "_train_bundle", lambda *a, **k: builds.append(1) or {"stance": fitted, "means": None})
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    persistence.clear_cache()
    try:
        persistence.load_default_model()
        (cached,) = (tmp_path / "cache").glob("*.pkl")
        cached.write_bytes(pickle.dumps({"not": "a model"}))  # loads, but is no bundle
        cached.with_suffix(".sha256").write_text(persistence.sha256(cached))
        persistence.clear_cache()
        assert isinstance(persistence.load_default_model(), StanceClassifier) and len(builds) == 2
        (tmp_path / "afile").write_text("a file where a folder should be")
        monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "afile" / "cache"))
        persistence.clear_cache()
        with pytest.warns(persistence.StanceWarning, match="rebuilt in every new process"):
            assert isinstance(persistence.load_default_model(), StanceClassifier)
    finally:
        persistence.clear_cache()


def test_skops_types_skops_itself_trusts_are_checked_too(fitted, tmp_path):
    import copy

    from sklearn.preprocessing import FunctionTransformer

    model = copy.deepcopy(fitted)
    model.pipeline_.steps.insert(1, ("extra", FunctionTransformer(func=np.exp)))
    path = model.save(tmp_path / "extra.skops")
    with pytest.raises(ModelError, match="does not trust: numpy.exp, sklearn.preprocessing"):
        load_model(path)


def test_damaged_files_and_other_versions_are_named(fitted, tmp_path):
    import joblib

    good = fitted.save(tmp_path / "m.skops")
    (tmp_path / "cut.skops").write_bytes(good.read_bytes()[:3000])
    with pytest.raises(ModelError, match="damaged or truncated"):
        load_model(tmp_path / "cut.skops")
    (tmp_path / "empty.skops").write_bytes(b"")
    with pytest.raises(ModelError, match="is empty"):
        load_model(tmp_path / "empty.skops")
    path = fitted.save(tmp_path / "m.joblib")
    payload = joblib.load(path)
    payload["metadata"]["stance"] = "9.9.9"
    joblib.dump(payload, path)
    with pytest.warns(persistence.StanceWarning, match="made with stance 9.9.9"):
        load_model(path, trust=True)
    payload["metadata"] = "not a dict"
    joblib.dump(payload, path)
    with pytest.raises(ModelError, match="no metadata"):
        load_model(path, trust=True)


def test_skops_round_trip_with_character_ngrams(small_model, corpus, tmp_path):
    """The shipped feature set (our CharNgramTfidf among it) passes the skops allow-list."""
    texts = [r["text"] for r in corpus[-40:]]
    small_model.predict(texts)  # fills the word cache, which must not be saved
    again = load_model(small_model.save(tmp_path / "chars.skops"))
    np.testing.assert_allclose(again.predict_proba(texts), small_model.predict_proba(texts))


def test_models_saved_before_lexicon_weight_load_unweighted(fitted):
    state = fitted.__getstate__()
    state.pop("lexicon_weight")
    old = StanceClassifier.__new__(StanceClassifier)
    old.__setstate__(state)
    assert old.get_params()["lexicon_weight"] == 1.0


def test_a_model_saved_by_stance_0_1_0_still_predicts_as_it_was_trained():
    """That version had no call columns; its lexicon features must keep their old width."""
    from pathlib import Path

    with pytest.warns(persistence.StanceWarning, match="made with stance 0.1.0"):
        old = load_model(Path(__file__).parent / "data" / "model_0.1.0.skops")
    lexicon = old.pipeline_.named_steps["features"].transformer_list[2][1]
    assert lexicon.calls is False and "lexicon__call_act" not in old.pipeline_.named_steps["features"].get_feature_names_out()
    proba = old.predict_proba(["Britain should join the air strikes.", "NATO should withdraw now."])
    assert proba.shape == (2, len(old.classes_)) and np.allclose(proba.sum(axis=1), 1)
    assert old.explain("NATO should withdraw now.")
