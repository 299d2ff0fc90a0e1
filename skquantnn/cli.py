"""``skquantnn benchmark``: argument parsing and printing around run_benchmark."""

import argparse
import os
import sys

import numpy as np

DESCRIPTION = """Benchmark the neural networks against ridge regression, gradient
boosting and the historical mean, in time order (TimeSeriesSplit folds or
walk-forward refits). Every model is judged by its out-of-sample R^2 against each
training window's mean, the Clark-West test against that mean and the
Diebold-Mariano test against ridge, besides MSE, MAE and R^2. Without --data or
--dataset, runs on the Keras tutorial's simulated data (2000 rows, 8 factors) and
next month's US market excess return from lagged Fama-French factors. Panels (many
assets per date: --dataset gkx_a,gkx_b, or --data with --asset-column) are split
by dates and judged by the R^2 against zero and against the mean, the Sharpe ratio
of the long-short portfolio of the forecasts and the panel Diebold-Mariano test."""

#: What the command runs without --data or --dataset.
DEFAULT_DATASETS = "tutorial,ff_monthly"
#: The models run without --models: on a series, and on a panel.
DEFAULT_MODELS = "numpy,keras,ridge,hgb"
DEFAULT_PANEL_MODELS = "numpy,ridge,hgb"


def build_parser():
    parser = argparse.ArgumentParser(prog="skquantnn", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("benchmark", help="cross-validate models in time "
                                "order and write tables and figures",
                                description=DESCRIPTION)
    bench.add_argument("--dataset", metavar="NAMES",
                       help="comma-separated built-in data sets: tutorial, "
                       "ff_monthly, spx_vol, cpi_inflation, credit_spread, "
                       "gdp_growth, vix, and the simulated panels gkx_a, gkx_b "
                       f"(default: {DEFAULT_DATASETS})")
    bench.add_argument("--data", metavar="FILE.csv", help="your data (CSV)")
    bench.add_argument("--target", metavar="COLUMN", help="target column of --data")
    bench.add_argument("--date-column", metavar="COLUMN",
                       help="date column of --data; rows are sorted by it")
    bench.add_argument("--asset-column", metavar="COLUMN",
                       help="asset column of --data: a long panel of dates x "
                       "assets, split by dates (needs --date-column)")
    bench.add_argument("--dropna", action="store_true",
                       help="drop rows with NaN or inf instead of stopping")
    bench.add_argument("--models",
                       help="comma-separated: numpy, keras, ridge, hgb (default: "
                       f"all; on a panel {DEFAULT_PANEL_MODELS})")
    bench.add_argument("--splits", type=int,
                       help="TimeSeriesSplit folds, of dates on a panel (default: 5; "
                       "gkx_a and gkx_b: a first window of 120 months, then refits "
                       "every 30)")
    bench.add_argument("--gap", type=int, default=0,
                       help="rows between each training and test part, dates on a "
                       "panel (default: 0)")
    bench.add_argument("--refit-every", type=int, metavar="N",
                       help="walk forward: refit every N rows on all rows before "
                       "and forecast the next N, to the end of the data")
    bench.add_argument("--max-train-size", type=int, metavar="N",
                       help="train on at most the last N rows (a rolling window)")
    bench.add_argument("--first-window", type=int, metavar="N",
                       help="fewest rows of the first training window with "
                       "--refit-every; rows that do not fill a whole block join it "
                       "(default: a fifth of the rows)")
    bench.add_argument("--quantiles", type=int, default=10,
                       help="on a panel: quantile portfolios of the long-short "
                       "return (default: 10, deciles)")
    bench.add_argument("--periods-per-year", type=float, metavar="N",
                       help="on a panel: annualises the long-short Sharpe ratio "
                       "(default: inferred from the dates, 12 for months)")
    bench.add_argument("--threads", type=int, default=1, metavar="N",
                       help="on a panel: BLAS and OpenMP threads per fit (default: "
                       "1; 0 for the libraries' defaults)")
    bench.add_argument("--epochs", type=int, default=50,
                       help="maximum epochs of the networks (default: 50)")
    bench.add_argument("--random-state", type=int, default=0,
                       help="seed of every model (default: 0)")
    bench.add_argument("--backend", choices=["tensorflow", "jax"],
                       help="Keras backend (default: KERAS_BACKEND or tensorflow)")
    bench.add_argument("--out", default="skquantnn-results", metavar="DIR",
                       help="where to write results (default: ./skquantnn-results)")
    bench.add_argument("--quiet", action="store_true",
                       help="print nothing but errors")
    export = commands.add_parser(
        "export", help="convert a saved model to ONNX",
        description="Convert a fitted model or pipeline saved with skops (.skops) "
        "or joblib (.joblib, .pkl) to an ONNX file for onnxruntime. A .skops file "
        "is loaded only if it holds nothing but scikit-learn, NumPy and skquantnn "
        "types; joblib and pickle files run code when loaded: convert only files "
        "you trust. Needs pip install skquantnn[onnx].")
    export.add_argument("model_file", metavar="MODEL_FILE")
    export.add_argument("out", metavar="OUT.onnx")
    export.add_argument("--float64", action="store_true",
                        help="a float64 input (default: float32)")
    return parser


def main(argv=None):
    """Run the command line; returns the exit code (2 for bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        return _export(args)
    models = None if args.models is None else [
        m.strip() for m in args.models.split(",") if m.strip()]
    from skquantnn.benchmark import MODELS, DataError, load_csv, load_dataset

    problems = [f"unknown model {m!r} (choose from {', '.join(MODELS)})"
                for m in models or () if m not in MODELS]
    if args.splits is not None and args.splits < 2:
        problems.append("--splits must be at least 2")
    if args.quantiles < 2:
        problems.append("--quantiles must be at least 2")
    if args.threads < 0:
        problems.append("--threads must be >= 0")
    if args.periods_per_year is not None and not args.periods_per_year > 0:
        problems.append("--periods-per-year must be positive")
    if args.gap < 0 or args.epochs < 1:
        problems.append("--gap must be >= 0 and --epochs >= 1")
    for option in ("refit_every", "max_train_size", "first_window"):
        value = getattr(args, option)
        if value is not None and value < 1:
            problems.append(f"--{option.replace('_', '-')} must be at least 1")
    if (args.data is None) != (args.target is None):
        problems.append("--data and --target go together")
    if args.data is not None and args.dataset is not None:
        problems.append("--data and --dataset exclude each other")
    if args.asset_column is not None and args.date_column is None:
        problems.append("--asset-column needs --date-column")
    if problems or models == []:
        parser.error("; ".join(problems) or "--models is empty")
    if args.backend:
        if "keras" in sys.modules and os.environ.get("KERAS_BACKEND") != args.backend:
            parser.error("--backend must be chosen before Keras is imported")
        os.environ["KERAS_BACKEND"] = args.backend
    try:
        if args.data is not None:
            from pathlib import Path

            data = {Path(args.data).stem: (*load_csv(
                args.data, args.target, args.date_column, args.dropna,
                args.asset_column), None)}
        else:
            names = [n.strip() for n in (args.dataset or DEFAULT_DATASETS).split(",")
                     if n.strip()]
            data = {name: load_dataset(name, return_oracle=True) for name in names}
        results = {name: _run(X, y, oracle, models, args, builtin=args.data is None)
                   for name, (X, y, oracle) in data.items()}
    except DataError as error:
        print(f"skquantnn benchmark: error: {error}", file=sys.stderr)
        return 2
    from skquantnn.benchmark import write_report

    written = write_report(results, args.out)
    if not args.quiet:
        for name, result in results.items():
            table = (format_panel_summary(result) if result.settings.get("panel")
                     else format_summary(result))
            print(f"\n{name}: " + table)
        print(f"\nwrote {len(written)} files into {args.out}: results.csv, "
              "results.json, and per data set its figures")
    return 0


def _run(X, y, oracle, models, args, builtin):
    from skquantnn.benchmark import is_panel, run_benchmark, run_panel_benchmark

    folds = {"refit_every": args.refit_every, "max_train_size": args.max_train_size,
             "first_window": args.first_window}
    if not is_panel(X):
        return run_benchmark(X, y, models or DEFAULT_MODELS.split(","),
                             args.splits or 5, args.gap, args.epochs,
                             args.random_state, progress=not args.quiet, **folds)
    if builtin and args.splits is None and args.refit_every is None:
        from skquantnn._panel_benchmark import GKX_DESIGN

        folds.update({**GKX_DESIGN, **{k: v for k, v in folds.items() if v}})
    return run_panel_benchmark(
        X, y, models or DEFAULT_PANEL_MODELS.split(","), args.splits or 5, args.gap,
        args.epochs, args.random_state, progress=not args.quiet, oracle=oracle,
        n_quantiles=args.quantiles, periods_per_year=args.periods_per_year,
        threads=args.threads or None, **folds)


def format_summary(result):
    """The summary table as aligned text: out-of-sample R^2 and the tests'
    p-values, then mean ± std over folds of MSE, MAE and R^2."""
    s = result.settings
    if s["refit_every"]:
        how = (f"walk-forward refits every {s['refit_every']} rows after a first "
               f"window of {s['first_window']} rows ({s['n_splits']} refits")
    else:
        how = f"TimeSeriesSplit(n_splits={s['n_splits']}"
    window = (f", rolling window of {s['max_train_size']} rows"
              if s["max_train_size"] else "")
    lines = [f"{s['n_samples']} rows, {how}, gap={s['gap']}){window}, "
             f"Pipeline(StandardScaler, model), random_state={s['random_state']}",
             "oos R^2: pooled over folds, against each training window's mean; "
             "CW p: Clark-West, model beats that mean; DM p: Diebold-Mariano, "
             "model beats RidgeCV (one-sided)",
             f"{'model':<31}{'oos R^2':>8}{'CW p':>7}{'DM p':>7}{'MSE':>19}"
             f"{'MAE':>19}{'R^2':>18}{'fit s':>7}"]
    for model, row in result.summary.iterrows():
        tests = "".join("      -" if np.isnan(row[c]) else f"{row[c]:>7.3f}"
                        for c in ("cw_pvalue", "dm_pvalue_vs_ridge"))
        cells = "".join(f"{row[f'{m}_mean']:>#10.4g} ± {row[f'{m}_std']:<#6.3g}"
                        for m in ("mse", "mae", "r2"))
        lines.append(f"{model:<31}{row['oos_r2']:>+8.3f}{tests} {cells}"
                     f"{row['fit_seconds']:>7.2f}")
    return "\n".join(lines)


def format_panel_summary(result):
    """A panel benchmark's summary as aligned text: R^2 against zero and against
    the training mean (in %), the long-short portfolio's Sharpe ratio and mean
    return, the panel Diebold-Mariano p-value against ridge, the fit time."""
    s = result.settings
    if s["refit_every"]:
        how = (f"a first window of {s['first_window']} dates, then refits every "
               f"{s['refit_every']} dates ({s['n_splits']} refits")
    else:
        how = f"PanelTimeSeriesSplit(n_splits={s['n_splits']}"
    window = (f", rolling window of {s['max_train_size']} dates"
              if s["max_train_size"] else "")
    skipped = (f"; {len(s['skipped_dates'])} test dates with fewer than "
               f"{s['n_quantiles']} assets left out of the portfolios"
               if s["skipped_dates"] else "")
    lines = [f"{s['n_samples']} rows, {s['n_dates']} dates, {how}, gap={s['gap']})"
             f"{window}, Pipeline(StandardScaler, model), "
             f"random_state={s['random_state']}",
             "R^2 vs 0 and vs mean (%): pooled over folds, against a zero forecast "
             "and against each training window's mean; L-S: the top minus the "
             f"bottom of {s['n_quantiles']} quantiles of forecasts each date, mean "
             f"(%) and Sharpe ratio (x sqrt({s['periods_per_year']:g})); DM p: "
             f"panel Diebold-Mariano, model beats RidgeCV (one-sided){skipped}",
             f"{'model':<31}{'R^2 vs 0':>9}{'vs mean':>9}{'L-S mean':>10}"
             f"{'L-S Sharpe':>12}{'DM p':>7}{'fit s':>7}"]
    for model, row in result.summary.iterrows():
        dm = ("      -" if np.isnan(row["dm_pvalue_vs_ridge"])
              else f"{row['dm_pvalue_vs_ridge']:>7.3f}")
        lines.append(f"{model:<31}{100 * row['r2_zero']:>+9.2f}"
                     f"{100 * row['oos_r2']:>+9.2f}{100 * row['ls_mean']:>+10.2f}"
                     f"{row['ls_sharpe']:>12.2f}{dm}{row['fit_seconds']:>7.2f}")
    return "\n".join(lines)


#: Modules whose types a .skops file may hold for ``skquantnn export``.
_TRUSTED_MODULES = ("sklearn.", "numpy.", "skquantnn.", "builtins.", "collections.")


def _export(args):
    """``skquantnn export``: load a saved model, write its ONNX graph."""
    from pathlib import Path

    def fail(message):
        print(f"skquantnn export: error: {message}", file=sys.stderr)
        return 2

    path = Path(args.model_file)
    if not path.is_file():
        return fail(f"model file not found: {path}")
    try:
        if path.suffix == ".skops":
            import skops.io as sio

            untrusted = sio.get_untrusted_types(file=path)
            foreign = [t for t in untrusted if not t.startswith(_TRUSTED_MODULES)]
            if foreign:
                return fail(f"{path.name} holds types that are not scikit-learn's, "
                            f"NumPy's or skquantnn's: {', '.join(foreign)}")
            model = sio.load(path, trusted=untrusted)
        elif path.suffix in (".joblib", ".pkl", ".pickle"):
            import joblib

            model = joblib.load(path)
        else:
            return fail(f"unknown model file type {path.suffix!r}: use .skops, "
                        ".joblib or .pkl")
        from skquantnn.onnx import to_onnx

        n_features = getattr(model, "n_features_in_", None)
        if n_features is None:
            return fail(f"{path.name} holds a {type(model).__name__}, not a fitted "
                        "estimator with n_features_in_")
        dtype = np.float64 if args.float64 else np.float32
        onx = to_onnx(model, np.zeros((1, n_features), dtype=dtype))
    except (ImportError, ValueError, TypeError) as error:
        return fail(str(error).splitlines()[0])
    Path(args.out).write_bytes(onx.SerializeToString())
    print(f"wrote {args.out}: input 'X' ({dtype.__name__}, {n_features} columns), "
          f"output 'variable'")
    return 0
