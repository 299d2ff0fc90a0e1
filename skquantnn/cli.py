"""``skquantnn benchmark``: argument parsing and printing around run_benchmark."""

import argparse
import os
import sys

DESCRIPTION = """Benchmark the neural networks against Ridge and gradient boosting
with time-ordered cross-validation (TimeSeriesSplit). Without --data, runs on the
Keras tutorial's simulated economic data (2000 rows, 8 factors)."""


def build_parser():
    parser = argparse.ArgumentParser(prog="skquantnn", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("benchmark", help="cross-validate models in time "
                                "order and write tables and figures",
                                description=DESCRIPTION)
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
    return parser


def main(argv=None):
    """Run the command line; returns the exit code (2 for bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    from skquantnn.benchmark import MODELS, DataError, load_csv, run_benchmark

    problems = [f"unknown model {m!r} (choose from {', '.join(MODELS)})"
                for m in models if m not in MODELS]
    if args.splits < 2:
        problems.append("--splits must be at least 2")
    if args.gap < 0 or args.epochs < 1:
        problems.append("--gap must be >= 0 and --epochs >= 1")
    if (args.data is None) != (args.target is None):
        problems.append("--data and --target go together")
    if problems or not models:
        parser.error("; ".join(problems) or "--models is empty")
    if args.backend:
        if "keras" in sys.modules and os.environ.get("KERAS_BACKEND") != args.backend:
            parser.error("--backend must be chosen before Keras is imported")
        os.environ["KERAS_BACKEND"] = args.backend
    try:
        if args.data is None:
            from skquantnn.datasets import make_economic_regression

            X, y = make_economic_regression(random_state=42, as_frame=True)
        else:
            X, y = load_csv(args.data, args.target, args.date_column, args.dropna)
        result = run_benchmark(X, y, models, args.splits, args.gap, args.epochs,
                               args.random_state, progress=not args.quiet)
    except DataError as error:
        print(f"skquantnn benchmark: error: {error}", file=sys.stderr)
        return 2
    from skquantnn.benchmark import write_report

    written = write_report(result, args.out)
    if not args.quiet:
        print(format_summary(result))
        print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def format_summary(result):
    """The summary table as aligned text, mean ± std over folds."""
    s = result.settings
    lines = [f"{s['n_samples']} rows, TimeSeriesSplit(n_splits={s['n_splits']}, "
             f"gap={s['gap']}), Pipeline(StandardScaler, model), "
             f"random_state={s['random_state']}",
             f"{'model':<31}{'MSE':>17}{'MAE':>17}{'R^2':>17}{'fit s':>8}"]
    for model, row in result.summary.iterrows():
        cells = [f"{row[f'{m}_mean']:.4f} ± {row[f'{m}_std']:.4f}"
                 for m in ("mse", "mae", "r2")]
        lines.append(f"{model:<31}" + "".join(f"{c:>17}" for c in cells)
                     + f"{row['fit_seconds']:>8.2f}")
    return "\n".join(lines)
