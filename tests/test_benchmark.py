"""The main job: run_benchmark, the CSV loader and the command line."""

import json

import numpy as np
import pandas as pd
import pytest

from skquantnn.benchmark import DataError, load_csv, run_benchmark, time_series_folds
from skquantnn.cli import main
from skquantnn.datasets import make_economic_regression
from skquantnn.plotting import plot_cumulative_sse_difference


@pytest.fixture(scope="module")
def frame():
    return make_economic_regression(n_samples=400, random_state=0, as_frame=True)


def test_run_benchmark_scores_every_model_on_every_fold(frame):
    X, y = frame
    result = run_benchmark(X, y, models=["ridge", "hgb", "numpy"], n_splits=3, gap=2,
                           epochs=30)
    assert set(result.summary.index) == {"RidgeCV", "HistGradientBoostingRegressor",
                                         "NumpyMLPRegressor"}
    assert len(result.folds) == 9
    ridge = result.folds[result.folds.model == "RidgeCV"]
    # TimeSeriesSplit: growing training windows, equal test windows, the gap
    assert list(ridge.train_rows) == [98, 198, 298] and set(ridge.test_rows) == {100}
    assert result.summary.loc["RidgeCV", "mse_mean"] == pytest.approx(
        ridge.mse.mean())
    # the network beats the linear baseline on this non-linear target
    assert (result.summary.loc["NumpyMLPRegressor", "mse_mean"]
            < result.summary.loc["RidgeCV", "mse_mean"])
    last = result.last_fold["RidgeCV"]
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
    assert "NumpyMLPRegressor" in printed.out and "RidgeCV" in printed.out
    assert "refits (folds x models)" in printed.err  # the progress bar
    summary = pd.read_csv(out / "results.csv", index_col=[0, 1])
    assert set(summary.index) == {("data", "RidgeCV"), ("data", "NumpyMLPRegressor")}
    report = json.loads((out / "results.json").read_text())["data"]
    assert report["settings"]["gap"] == 1 and report["settings"]["random_state"] == 3
    assert len(report["folds"]) == 6
    # test rows keep their dates, in time order
    assert report["predictions"]["index"][0] == str(X.index[100])
    for png in ["learning_curve_numpy.png", "predicted_vs_actual.png",
                "cumulative_sse_difference.png"]:
        assert (out / "data" / png).stat().st_size > 5_000
    assert not (out / "data" / "learning_curve_keras.png").exists()


def test_cli_quiet_prints_nothing(tmp_path, capsys):
    code = main(["benchmark", "--models", "ridge", "--splits", "2", "--quiet",
                 "--dataset", "tutorial", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == ""
    assert (tmp_path / "results.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["--data", "nope.csv", "--target", "y"], "data file not found: nope.csv"),
    (["--gap", "1990"], "too few rows"),
    (["--dataset", "tutorial,nope"], "unknown data set 'nope'"),
    (["--dataset", "tutorial", "--refit-every", "1700"],
     "--refit-every 1700 is larger than the 1600 rows left"),
    (["--dataset", "tutorial", "--refit-every", "1000"], "leaves 1 test block"),
    (["--dataset", "tutorial", "--refit-every", "199", "--first-window", "10"],
     "too few rows (2000) for the first training window: it has 10 rows"),
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
    (["--data", "x.csv", "--target", "y", "--dataset", "vix"],
     "--data and --dataset exclude each other"),
    (["--refit-every", "0"], "--refit-every must be at least 1"),
])
def test_cli_usage_errors_exit_2(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["benchmark", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_out_of_sample_r2_is_against_each_training_windows_mean(frame):
    X, y = frame
    result = run_benchmark(X, y, models=["ridge", "numpy"], n_splits=3, epochs=10)
    frame_ = result.predictions
    folds = time_series_folds(len(X), 3)
    for k, (train, test) in enumerate(folds):
        block = frame_[frame_.fold == k + 1]
        assert list(block.index) == list(y.index[test])
        np.testing.assert_allclose(block.benchmark, y.iloc[train].mean())
        sse = np.sum((block.y_true - block.RidgeCV) ** 2)
        by_hand = 1 - sse / np.sum((block.y_true - block.benchmark) ** 2)
        fold = result.folds[(result.folds.model == "RidgeCV")
                            & (result.folds.fold == k + 1)]
        assert fold.oos_r2.iloc[0] == pytest.approx(by_hand)
    for model in ["RidgeCV", "NumpyMLPRegressor"]:
        pooled = 1 - (np.sum((frame_.y_true - frame_[model]) ** 2)
                      / np.sum((frame_.y_true - frame_.benchmark) ** 2))
        assert result.summary.loc[model, "oos_r2"] == pytest.approx(pooled)
    # the test-block mean that scikit-learn's R^2 uses is not known at forecast time
    assert result.summary.loc["RidgeCV", "oos_r2"] != pytest.approx(
        result.summary.loc["RidgeCV", "r2_mean"], abs=1e-3)


def test_forecast_tests_favour_the_better_model(frame):
    X, y = frame
    result = run_benchmark(X, y, models=["ridge", "numpy"], n_splits=3, epochs=30)
    summary = result.summary
    assert summary.loc["NumpyMLPRegressor", "cw_pvalue"] < 0.01
    assert summary.loc["NumpyMLPRegressor", "dm_pvalue_vs_ridge"] < 0.01
    assert np.isnan(summary.loc["RidgeCV", "dm_pvalue_vs_ridge"])
    alone = run_benchmark(X, y, models=["numpy"], n_splits=3, epochs=5)
    assert np.isnan(alone.summary.loc["NumpyMLPRegressor", "dm_pvalue_vs_ridge"])


@pytest.mark.parametrize("max_train_size, train_sizes", [
    (None, [30, 40, 50, 60, 70, 80, 90]),
    (25, [25] * 7),
])
def test_walk_forward_refits_every_n_rows(max_train_size, train_sizes):
    folds = time_series_folds(100, refit_every=10, first_window=30,
                              max_train_size=max_train_size)
    assert [len(train) for train, _ in folds] == train_sizes
    assert [list(test) for _, test in folds] == [
        list(range(start, start + 10)) for start in range(30, 100, 10)]
    assert all(train[-1] + 1 == test[0] for train, test in folds)


def test_walk_forward_leaves_a_gap_and_starts_after_the_first_window():
    folds = time_series_folds(105, refit_every=10, first_window=30, gap=3)
    # 72 rows after the window and the gap: 7 blocks of 10, the rest trains first
    assert len(folds) == 7 and folds[0][1][0] == 35 and folds[-1][1][-1] == 104
    assert all(test[0] - train[-1] == 4 for train, test in folds)


def test_cli_walks_forward_on_a_real_series(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["benchmark", "--dataset", "credit_spread", "--models", "ridge",
                 "--refit-every", "120", "--first-window", "467", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "6 refits" in printed.out and "6/6" in printed.err
    report = json.loads((out / "results.json").read_text())["credit_spread"]
    predictions = report["predictions"]
    assert len(predictions["index"]) == 720 and predictions["index"][-1].startswith(
        "2018-12-01")
    y, p, b = (np.array(predictions[k]) for k in ("y_true", "RidgeCV", "benchmark"))
    summary = pd.read_csv(out / "results.csv", index_col=[0, 1])
    assert summary.loc[("credit_spread", "RidgeCV"), "oos_r2"] == pytest.approx(
        1 - np.sum((y - p) ** 2) / np.sum((y - b) ** 2))
    assert (out / "credit_spread" / "cumulative_sse_difference.png").exists()


def test_cumulative_sse_difference_ends_at_the_out_of_sample_gain():
    import matplotlib

    matplotlib.use("Agg")
    dates = pd.date_range("2020-01-31", periods=4, freq="ME")
    y = pd.Series([1.0, -1.0, 2.0, 0.0], index=dates)
    bench = np.array([0.5, 0.5, 0.0, 0.0])
    ax = plot_cumulative_sse_difference(y, {"good": [1.0, -0.5, 1.5, 0.0]}, bench)
    line = ax.get_lines()[0]
    # (0.25 - 0) + (2.25 - 0.25) + (4 - 0.25) + (0 - 0)
    np.testing.assert_allclose(line.get_ydata(), [0.25, 2.25, 6.0, 6.0])
    assert list(line.get_xdata()) == list(dates) and ax.get_xlabel() == "date"
    with pytest.raises(ValueError, match="predictions\\['bad'\\] has shape"):
        plot_cumulative_sse_difference(y, {"bad": [1.0]}, bench)


def test_plain_lists_are_indexed_by_position(frame):
    X, y = frame
    result = run_benchmark(X.to_numpy().tolist(), y.tolist(), models=["ridge"],
                           n_splits=3)
    assert list(result.predictions.index[:2]) == [100, 101]
    assert list(result.last_fold["RidgeCV"]["index"][:1]) == [300]
