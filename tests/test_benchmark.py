"""The main job: run_benchmark, the CSV loader and the command line."""

import json

import numpy as np
import pandas as pd
import pytest

from skquantnn.benchmark import DataError, load_csv, run_benchmark
from skquantnn.cli import main
from skquantnn.datasets import make_economic_regression


@pytest.fixture(scope="module")
def frame():
    return make_economic_regression(n_samples=400, random_state=0, as_frame=True)


def test_run_benchmark_scores_every_model_on_every_fold(frame):
    X, y = frame
    result = run_benchmark(X, y, models=["ridge", "hgb", "numpy"], n_splits=3, gap=2,
                           epochs=30)
    assert set(result.summary.index) == {"Ridge", "HistGradientBoostingRegressor",
                                         "NumpyMLPRegressor"}
    assert len(result.folds) == 9
    ridge = result.folds[result.folds.model == "Ridge"]
    # TimeSeriesSplit: growing training windows, equal test windows, the gap
    assert list(ridge.train_rows) == [98, 198, 298] and set(ridge.test_rows) == {100}
    assert result.summary.loc["Ridge", "mse_mean"] == pytest.approx(ridge.mse.mean())
    # the network beats the linear baseline on this non-linear target
    assert (result.summary.loc["NumpyMLPRegressor", "mse_mean"]
            < result.summary.loc["Ridge", "mse_mean"])
    last = result.last_fold["Ridge"]
    np.testing.assert_allclose(
        np.mean((last["y_true"] - last["y_pred"]) ** 2), ridge.mse.iloc[-1])
    assert last["index"][0] == y.index[300]  # the last fold tests the last rows


def test_too_few_rows_is_a_data_error(frame):
    X, y = frame
    with pytest.raises(DataError, match="too few rows"):
        run_benchmark(X[:40], y[:40], models=["ridge"], n_splits=5)


def write_csv(tmp_path, frame, name="data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_load_csv_sorts_by_date(tmp_path):
    data = pd.DataFrame({"date": ["2024-01-03", "2024-01-01", "2024-01-02"],
                         "a": [3.0, 1.0, 2.0], "ret": [30.0, 10.0, 20.0]})
    X, y = load_csv(write_csv(tmp_path, data), "ret", "date")
    assert list(X.a) == [1.0, 2.0, 3.0] and list(y) == [10.0, 20.0, 30.0]
    assert list(X.columns) == ["a"] and X.index.name == "date"


@pytest.mark.parametrize("data, target, date, message", [
    (None, "ret", None, "data file not found"),
    ({"a": [1.0], "b": [2.0]}, "ret", None, "target column 'ret' is not in"),
    ({"a": [1.0], "ret": [2.0]}, "ret", "day", "date column 'day' is not in"),
    ({"a": ["x"], "b": ["y"], "ret": [1.0]}, "ret", None,
     "non-numeric column\\(s\\): a, b"),
    ({"a": [1.0, np.nan, np.inf], "ret": [1.0, 2.0, np.nan]}, "ret", None,
     "a \\(1 NaN, 1 inf\\), ret \\(1 NaN, 0 inf\\)"),
])
def test_load_csv_errors_say_what_is_wrong(tmp_path, data, target, date, message):
    path = tmp_path / "missing.csv" if data is None else write_csv(
        tmp_path, pd.DataFrame(data))
    with pytest.raises(DataError, match=message):
        load_csv(path, target, date)


def test_load_csv_dropna(tmp_path):
    data = pd.DataFrame({"a": [1.0, np.nan, 3.0, np.inf], "ret": [1.0, 2.0, 3.0, 4.0]})
    X, y = load_csv(write_csv(tmp_path, data), "ret", dropna=True)
    assert list(y) == [1.0, 3.0]


def test_cli_on_a_csv_writes_tables_and_figures(tmp_path, frame, capsys):
    X, y = frame
    data = X.assign(ret=y).reset_index()
    path = write_csv(tmp_path, data.iloc[::-1])  # unsorted on purpose
    out = tmp_path / "out"
    code = main(["benchmark", "--data", str(path), "--target", "ret", "--date-column",
                 "date", "--models", "ridge,numpy", "--splits", "3", "--gap", "1",
                 "--epochs", "20", "--random-state", "3", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "NumpyMLPRegressor" in printed.out and "Ridge" in printed.out
    assert "folds x models" in printed.err  # the progress bar
    summary = pd.read_csv(out / "results.csv", index_col=0)
    assert set(summary.index) == {"Ridge", "NumpyMLPRegressor"}
    report = json.loads((out / "results.json").read_text())
    assert report["settings"]["gap"] == 1 and report["settings"]["random_state"] == 3
    assert len(report["folds"]) == 6
    for png in ["learning_curve_numpy.png", "predicted_vs_actual.png"]:
        assert (out / png).stat().st_size > 5_000
    assert not (out / "learning_curve_keras.png").exists()


def test_cli_quiet_prints_nothing(tmp_path, capsys):
    code = main(["benchmark", "--models", "ridge", "--splits", "2", "--quiet",
                 "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == ""
    assert (tmp_path / "results.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["--data", "nope.csv", "--target", "y"], "data file not found: nope.csv"),
    (["--gap", "1990"], "too few rows"),
])
def test_cli_data_errors_exit_2_with_one_line(tmp_path, capsys, args, message):
    code = main(["benchmark", "--models", "ridge", "--out", str(tmp_path), *args])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err


@pytest.mark.parametrize("args, message", [
    (["--models", "ridge,svm"], "unknown model 'svm'"),
    (["--splits", "1"], "--splits must be at least 2"),
    (["--data", "x.csv"], "--data and --target go together"),
])
def test_cli_usage_errors_exit_2(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["benchmark", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
