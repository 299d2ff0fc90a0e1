"""The examples run headless and show what they claim."""

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name, monkeypatch, *args):
    monkeypatch.setattr(sys, "argv", [name, *map(str, args)])
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def test_seed2_from_scratch_reproduces_tinymlp(monkeypatch, capsys):
    ns = run_example("seed2_from_scratch.py", monkeypatch)
    # the tutorial code's real output (its printed comment says otherwise)
    np.testing.assert_array_equal(np.round(ns["tiny_pred"][:3], 3),
                                  [0.915, -0.728, -0.734])
    np.testing.assert_allclose(ns["mlp_pred"], ns["tiny_pred"], rtol=0, atol=1e-12)
    assert "NumpyMLPRegressor : [ 0.915 -0.728 -0.734]" in capsys.readouterr().out


def test_seed1_economic_regression(monkeypatch, tmp_path, capsys):
    ns = run_example("seed1_economic_regression.py", monkeypatch, tmp_path)
    out = capsys.readouterr().out
    assert (tmp_path / "seed1_learning_curve.png").stat().st_size > 10_000
    mlp = ns["mlp"]
    assert len(mlp.loss_curve_) == len(mlp.validation_loss_curve_) == 50
    test_mse = float(out.split("NumpyMLPRegressor  test MSE: ")[1].split()[0])
    ridge_mse = float(out.split("Ridge baseline     test MSE: ")[1].split()[0])
    # the tutorial's Keras model reaches 0.437 on these data
    assert test_mse < 0.45 and test_mse < ridge_mse / 3


@pytest.mark.keras
@pytest.mark.slow
def test_seed1_keras_tutorial(monkeypatch, tmp_path, capsys):
    ns = run_example("seed1_keras_tutorial.py", monkeypatch, tmp_path)
    out = capsys.readouterr().out
    assert (tmp_path / "seed1_keras_learning_curve.png").stat().st_size > 10_000
    assert "Total params: " in out  # the architecture summary
    assert len(ns["mlp"].history_["val_loss"]) == 50
    # the tutorial's own code reaches 0.437 on these data
    assert ns["test_mse"] <= 0.45
    assert 0 <= ns["sigmoid_pred"].min() and ns["sigmoid_pred"].max() <= 1
    assert ns["sigmoid_mse"] > 5 * ns["test_mse"]


@pytest.mark.slow
def test_grid_search_time_series(monkeypatch, capsys):
    ns = run_example("grid_search_time_series.py", monkeypatch)
    search = ns["search"]
    assert len(search.cv_results_["params"]) == 12
    assert search.best_params_["mlp__alpha"] != 10.0  # the strongest penalty underfits
    assert -search.best_score_ < 1.0  # Ridge is above 2 on these data
    assert "best: " in capsys.readouterr().out


def test_benchmark_vs_ridge(monkeypatch):
    ns = run_example("benchmark_vs_ridge.py", monkeypatch)
    assert ns["scores"]["NumpyMLPRegressor"].mean() < ns["scores"]["Ridge"].mean() / 3
    assert ns["wins"] == 5


def test_local_betas_example(monkeypatch, tmp_path):
    ns = run_example("local_betas.py", monkeypatch, tmp_path)
    table = ns["table"]
    # credit enters linearly with -1.5 per standard deviation (0.02 here)
    assert table.loc["credit", "mean local beta"] == pytest.approx(-75, rel=0.1)
    assert ns["slope_error"] < 0.3  # inflation's beta follows 2 x / 0.02**2
    assert (tmp_path / "local_betas_inflation.png").stat().st_size > 10_000


def test_early_stopping_gap(monkeypatch, capsys):
    ns = run_example("early_stopping_gap.py", monkeypatch)
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["validation_gap= 0",
                                                   "validation_gap=20"]
    # the last model fitted is the one with the gap: 20 rows fewer to train on,
    # then (when the networks have weight) the refit on all 2200 rows
    mlp = ns["mlp"]
    refit = 0 if mlp.refit_epochs_ is None else mlp.refit_epochs_.max() * 2200
    assert mlp.t_ == mlp.n_iter_ * (2200 - 440 - 20) + refit


@pytest.mark.slow
def test_streaming_partial_fit(monkeypatch):
    small = run_example("streaming_partial_fit.py", monkeypatch, 100_000)
    large = run_example("streaming_partial_fit.py", monkeypatch, 300_000)
    assert large["holdout_r2"] > 0.9
    assert large["model"].t_ == 2 * 280_000
    # memory follows the 50_000-row chunks, not the file's length
    assert large["file_mb"] > 2.5 * small["file_mb"]
    assert large["peak"] < 1.2 * small["peak"]


@pytest.mark.keras
@pytest.mark.slow
# the Keras search on Dask workers runs on JAX in test_distributed.py, checked
# there against the same search run locally
@pytest.mark.one_backend
def test_dask_grid_search_example(monkeypatch, capsys):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    ns = run_example("dask_grid_search.py", monkeypatch)
    out = capsys.readouterr().out
    assert "with 2 workers" in out
    for search in ns["searches"].values():
        assert hasattr(search, "best_params_") and search.best_score_ > 0.3


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_is_covered(name):
    covered = {"seed1_economic_regression.py", "seed2_from_scratch.py",
               "seed1_keras_tutorial.py", "grid_search_time_series.py",
               "benchmark_vs_ridge.py", "local_betas.py", "early_stopping_gap.py",
               "dask_grid_search.py", "streaming_partial_fit.py",
               "judging_a_forecast.py", "cross_section.py"}
    assert name in covered, f"add a test that runs examples/{name}"


@pytest.mark.slow
def test_judging_a_forecast(monkeypatch, tmp_path):
    ns = run_example("judging_a_forecast.py", monkeypatch, tmp_path)
    forecasts, rows = ns["forecasts"], ns["rows"]
    X, y = ns["X"], ns["y"]
    # walk-forward: 12-month blocks after a 240-month first window, to the end
    assert len(forecasts) == 852 and forecasts.index[-1] == y.index[-1]
    first = forecasts[forecasts.fold == 1]
    assert len(first) == 12 and first.benchmark.iloc[0] == pytest.approx(
        y.loc[:first.index[0]].iloc[:-1].mean())
    for model, row in rows.items():
        errors = (forecasts.y_true - forecasts[model]) ** 2
        bench = (forecasts.y_true - forecasts.benchmark) ** 2
        assert row["oos R2"] == pytest.approx(1 - errors.sum() / bench.sum())
        # pooled, scikit-learn's R^2 compares with the mean of all test months
        hindsight = (forecasts.y_true - forecasts.y_true.mean()) ** 2
        assert row["sklearn r2_score"] == pytest.approx(
            1 - errors.sum() / hindsight.sum())
        assert row["sklearn r2_score"] != pytest.approx(row["oos R2"], abs=1e-3)
        # scikit-learn's R^2 compares with the mean of each test block, in
        # hindsight: per block it can never exceed the out-of-sample R^2
        blocks = forecasts.groupby("fold")
        per_block = [1 - ((b.y_true - b[model]) ** 2).sum()
                     / ((b.y_true - b.y_true.mean()) ** 2).sum() for _, b in blocks]
        assert row["mean per refit"] == pytest.approx(np.mean(per_block))
        assert row["mean per refit"] < row["oos R2"]
        assert 0 < row["Clark-West p"] < 1
    # the curve's last point over the benchmark's SSE is 1 - ... the oos R^2
    line = ns["ax"].get_lines()[0]
    bench_sse = ((forecasts.y_true - forecasts.benchmark) ** 2).sum()
    assert line.get_ydata()[-1] / bench_sse == pytest.approx(
        rows["RidgeCV"]["oos R2"])
    assert (tmp_path / "judging_a_forecast.png").stat().st_size > 10_000
    assert X.shape[1] == 13


def test_cross_section(monkeypatch, tmp_path, capsys):
    import sklearn.ensemble  # noqa: F401  (loads its OpenMP library, limited below)
    from threadpoolctl import threadpool_limits

    # a small panel, one thread: on a busy two-core machine two OpenMP or BLAS
    # threads spin against each other (25 s instead of 4 s measured)
    with threadpool_limits(1):
        ns = run_example("cross_section.py", monkeypatch, tmp_path, 30, 5)
    forecasts, table, portfolios = ns["forecasts"], ns["table"], ns["portfolios"]
    months = forecasts.index.get_level_values("month")
    # the last 60 of 180 months, forecast in two blocks by models fitted before
    assert months.nunique() == 60 and months.min() == ns["X"].index.levels[0][120]
    assert ns["rank_error"] < 1e-12       # ranks recover the characteristic
    y = forecasts.y_true
    for name, row in table.iterrows():
        f = forecasts[name]
        assert row["R2 vs 0 (%)"] == pytest.approx(
            100 * (1 - ((y - f) ** 2).sum() / (y**2).sum()))
        returns = portfolios[name]
        assert len(returns) == 60
        assert row["L-S Sharpe"] == pytest.approx(
            returns.mean() / returns.std(ddof=1) * np.sqrt(12))
    # the truth beats every model; trees find the non-linear sort that ridge misses
    assert table["R2 vs 0 (%)"].idxmax() == "oracle"
    assert table.loc["oracle", "L-S Sharpe"] > table.loc["RidgeCV", "L-S Sharpe"]
    assert (table.loc["HistGradientBoostingRegressor", "L-S Sharpe"]
            > table.loc["RidgeCV", "L-S Sharpe"])
    assert table.loc["oracle", "DM p vs ridge"] < 0.01
    assert "L-S Sharpe" in capsys.readouterr().out
    assert (tmp_path / "cross_section.png").stat().st_size > 10_000
