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
next month's US market excess return from lagged Fama-French factors."""

#: What the command runs without --data or --dataset.
DEFAULT_DATASETS = "tutorial,ff_monthly"


def build_parser():
    parser = argparse.ArgumentParser(prog="skquantnn", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("benchmark", help="cross-validate models in time "
                                "order and write tables and figures",
                                description=DESCRIPTION)
    bench.add_argument("--dataset", metavar="NAMES",
                       help="comma-separated built-in data sets: tutorial, "
                       "ff_monthly, spx_vol, cpi_inflation, credit_spread, "
                       f"gdp_growth, vix (default: {DEFAULT_DATASETS})")
    bench.add_argument("--data", metavar="FILE.csv", help="your data (CSV)")
    bench.add_argument("--target", metavar="COLUMN", help="target column of --data")
    bench.add_argument("--date-column", metavar="COLUMN",
                       help="date column of --data; rows are sorted by it")
    bench.add_argument("--dropna", action="store_true",
                       help="drop rows with NaN or inf instead of stopping")
    bench.add_argument("--models", default="numpy,keras,ridge,hgb",
                       help="comma-separated: numpy, keras, ridge, hgb "
                       "(default: all)")
    bench.add_argument("--splits", type=int, default=5,
                       help="TimeSeriesSplit folds (default: 5)")
    bench.add_argument("--gap", type=int, default=0,
                       help="rows between each training and test part (default: 0)")
    bench.add_argument("--refit-every", type=int, metavar="N",
                       help="walk forward: refit every N rows on all rows before "
                       "and forecast the next N, to the end of the data")
    bench.add_argument("--max-train-size", type=int, metavar="N",
                       help="train on at most the last N rows (a rolling window)")
    bench.add_argument("--first-window", type=int, metavar="N",
                       help="fewest rows of the first training window with "
                       "--refit-every; rows that do not fill a whole block join it "
                       "(default: a fifth of the rows)")
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
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    from skquantnn.benchmark import MODELS, DataError, load_csv, load_dataset

    problems = [f"unknown model {m!r} (choose from {', '.join(MODELS)})"
                for m in models if m not in MODELS]
    if args.splits < 2:
        problems.append("--splits must be at least 2")
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
    if problems or not models:
        parser.error("; ".join(problems) or "--models is empty")
    if args.backend:
        if "keras" in sys.modules and os.environ.get("KERAS_BACKEND") != args.backend:
            parser.error("--backend must be chosen before Keras is imported")
        os.environ["KERAS_BACKEND"] = args.backend
    try:
        if args.data is not None:
            from pathlib import Path

            data = {Path(args.data).stem: load_csv(args.data, args.target,
                                                   args.date_column, args.dropna)}
        else:
            names = [n.strip() for n in (args.dataset or DEFAULT_DATASETS).split(",")
                     if n.strip()]
            data = {name: load_dataset(name) for name in names}
        results = {name: _run(X, y, models, args) for name, (X, y) in data.items()}
    except DataError as error:
        print(f"skquantnn benchmark: error: {error}", file=sys.stderr)
        return 2
    from skquantnn.benchmark import write_report

    written = write_report(results, args.out)
    if not args.quiet:
        for name, result in results.items():
            print(f"\n{name}: " + format_summary(result))
        print(f"\nwrote {len(written)} files into {args.out}: results.csv, "
              "results.json, and per data set its figures")
    return 0


def _run(X, y, models, args):
    from skquantnn.benchmark import run_benchmark

    return run_benchmark(X, y, models, args.splits, args.gap, args.epochs,
                         args.random_state, progress=not args.quiet,
                         refit_every=args.refit_every,
                         max_train_size=args.max_train_size,
                         first_window=args.first_window)


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
