"""The main job on panels: folds of whole dates, GKX's measures, the command line."""

import json

import numpy as np
import pandas as pd
import pytest

import skquantnn.benchmark as benchmark
from skquantnn._panel_benchmark import PANEL_DATASETS
from skquantnn.benchmark import (
    DataError,
    load_csv,
    load_dataset,
    panel_folds,
    run_panel_benchmark,
)
from skquantnn.cli import main
from skquantnn.datasets import make_gkx_panel

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def gkx():
    return make_gkx_panel("a", n_stocks=60, n_months=60, n_characteristics=5,
                          random_state=0)


@pytest.fixture(scope="module")
def result(gkx):
    X, y, g = gkx
    return run_panel_benchmark(X, y, models=["ridge", "numpy"], n_splits=3, gap=1,
                               epochs=5, oracle=g)


def test_folds_are_dates_and_benchmarks_their_training_means(gkx, result):
    X, y, _ = gkx
    frame = result.predictions
    months = frame.index.get_level_values("month")
    all_months = X.index.get_level_values("month")
    assert result.settings["n_splits"] == 3 and len(frame) == 3 * 15 * 60
    for k, fold in frame.groupby("fold"):
        test_months = fold.index.get_level_values("month").unique()
        assert len(test_months) == 15 and len(fold) == 15 * 60
        # trained on every month before the block but the gap of one month
        train = all_months < test_months.min() - pd.offsets.MonthEnd(1)
        assert fold["benchmark"].iloc[0] == pytest.approx(y[train].mean())
        assert not set(test_months) & set(months[frame.fold != k])


def test_summary_is_gkx_measures_of_the_pooled_forecasts(result):
    frame, summary = result.predictions, result.summary
    y = frame["y_true"]
    for model in ["RidgeCV", "NumpyMLPRegressor", "oracle (true g)"]:
        errors = ((y - frame[model]) ** 2).sum()
        row = summary.loc[model]
        assert row["r2_zero"] == pytest.approx(1 - errors / (y**2).sum())
        assert row["oos_r2"] == pytest.approx(
            1 - errors / ((y - frame["benchmark"]) ** 2).sum())
        returns = result.long_short[model]
        assert row["ls_sharpe"] == pytest.approx(
            returns.mean() / returns.std(ddof=1) * np.sqrt(12))
        # each date: the top tenth of forecasts minus the bottom tenth (6 each)
        date = returns.index[4]
        day = frame[frame.index.get_level_values(0) == date]
        ranked = day.sort_values(model, kind="stable")["y_true"]
        assert returns[date] == pytest.approx(ranked[-6:].mean() - ranked[:6].mean())
    assert result.settings["periods_per_year"] == 12
    assert list(result.long_short.index) == sorted(
        frame.index.get_level_values(0).unique())
    # the truth beats the linear fit, whose estimation error costs it
    assert summary.loc["oracle (true g)", "r2_zero"] > summary.loc["RidgeCV",
                                                                    "r2_zero"]
    assert summary.loc["oracle (true g)", "ls_sharpe"] > summary.loc["RidgeCV",
                                                                      "ls_sharpe"]
    assert np.isnan(summary.loc["RidgeCV", "dm_pvalue_vs_ridge"])
    assert 0 <= summary.loc["NumpyMLPRegressor", "dm_pvalue_vs_ridge"] <= 1


def test_the_networks_get_the_panels_index(gkx, result):
    X, _, _ = gkx
    pipeline = result.last_fold["NumpyMLPRegressor"]["estimator"]
    scaled = pipeline[0].transform(X.iloc[:5])
    assert isinstance(scaled, pd.DataFrame) and scaled.index.equals(X.index[:5])


def test_walk_forward_in_dates_and_errors(gkx):
    X, _, _ = gkx
    folds = panel_folds(X, refit_every=12, first_window=30)
    months = X.index.get_level_values(0)
    assert len(folds) == 2
    assert [len(months[test].unique()) for _, test in folds] == [12, 12]
    assert len(months[folds[0][0]].unique()) == 36
    with pytest.raises(DataError, match="leaves 1 test block"):
        panel_folds(X, refit_every=20, first_window=30)
    with pytest.raises(DataError, match="too few dates \\(60\\) for 70 splits"):
        panel_folds(X, n_splits=70)


def write_panel_csv(tmp_path, n_dates=30, n_assets=12, seed=0):
    rng = np.random.default_rng(seed)
    dates = np.repeat(pd.date_range("2015-01-31", periods=n_dates, freq="ME"),
                      n_assets)
    tickers = np.tile([f"T{i:02d}" for i in range(n_assets)], n_dates)
    size, value = rng.normal(size=(2, len(dates)))
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "ticker": tickers,
                          "size": size, "value": value,
                          "ret": 0.5 * size + rng.normal(size=len(dates))})
    path = tmp_path / "panel.csv"
    frame.iloc[rng.permutation(len(frame))].to_csv(path, index=False)
    return path


def test_load_csv_makes_a_panel(tmp_path):
    X, y = load_csv(write_panel_csv(tmp_path), "ret", "date", asset_column="ticker")
    assert X.index.names == ["date", "ticker"] and list(X.columns) == ["size",
                                                                      "value"]
    assert X.index.is_monotonic_increasing and y.index.equals(X.index)


def test_cli_on_a_long_csv(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["benchmark", "--data", str(write_panel_csv(tmp_path)), "--target",
                 "ret", "--date-column", "date", "--asset-column", "ticker",
                 "--models", "ridge,numpy", "--epochs", "3", "--splits", "3",
                 "--quantiles", "4",
                 "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "L-S Sharpe" in printed and "PanelTimeSeriesSplit(n_splits=3" in printed
    summary = pd.read_csv(out / "results.csv", index_col=[0, 1])
    assert {"r2_zero", "oos_r2", "ls_sharpe"} <= set(summary.columns)
    report = json.loads((out / "results.json").read_text())["panel"]
    assert len(report["predictions"]["index"]["date"]) == 3 * 7 * 12
    assert set(report["long_short"]) == {"index", "RidgeCV", "NumpyMLPRegressor"}
    assert len(report["long_short"]["index"]) == 21
    for png in ["cumulative_long_short.png", "cumulative_sse_difference.png",
                "predicted_vs_actual.png", "learning_curve_numpy.png"]:
        assert (out / "panel" / png).stat().st_size > 5_000


def test_cli_gkx_uses_gkx_design_and_the_oracle(tmp_path, capsys, monkeypatch):
    # the built-in panel at 20 stocks, so that the test stays quick
    monkeypatch.setattr(benchmark, "load_gkx", lambda name: make_gkx_panel(
        PANEL_DATASETS[name], n_stocks=20, n_characteristics=3, random_state=0))
    code = main(["benchmark", "--dataset", "gkx_b", "--models", "ridge", "--quiet",
                 "--out", str(tmp_path)])
    assert code == 0
    report = json.loads((tmp_path / "results.json").read_text())["gkx_b"]
    settings = report["settings"]
    assert (settings["first_window"], settings["refit_every"],
            settings["n_splits"]) == (120, 30, 2)
    assert settings["n_samples"] == 20 * 180          # the small panel above
    assert settings["threads"] == 1
    assert [row["model"] for row in report["summary"]][0] == "oracle (true g)"


def test_load_dataset_gkx_is_the_papers_design():
    X, y, oracle = load_dataset("gkx_a", return_oracle=True)
    assert X.shape == (200 * 180, 100) and len(y) == len(oracle) == len(X)
    assert load_dataset("tutorial", return_oracle=True)[2] is None


def test_cli_panel_errors(tmp_path, capsys):
    path = write_panel_csv(tmp_path)
    code = main(["benchmark", "--data", str(path), "--target", "ret",
                 "--date-column", "date", "--asset-column", "permno", "--out",
                 str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "asset column 'permno' is not in panel.csv" in err
    with pytest.raises(SystemExit):
        main(["benchmark", "--data", str(path), "--target", "ret",
              "--asset-column", "ticker"])
    assert "--asset-column needs --date-column" in capsys.readouterr().err
    twice = pd.read_csv(path)
    twice.iloc[:3].to_csv(path, index=False, mode="a", header=False)
    with pytest.raises(DataError, match="3 \\(date, asset\\) pair\\(s\\)"):
        load_csv(path, "ret", "date", asset_column="ticker")
