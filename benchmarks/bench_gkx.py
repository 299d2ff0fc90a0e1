"""Forecast quality on the simulated panel of Gu, Kelly and Xiu: R² against zero.

The panel is :func:`skquantnn.datasets.make_gkx_panel` (Gu, Kelly and Xiu 2020,
"Empirical Asset Pricing via Machine Learning", section 2 and appendix A): model
(a), a linear signal, or model (b), a non-linear one (``c1^2``, ``c1 c2`` and
``sgn(c3 x)``), in three of ``2 P`` features, buried in Student-t noise and
factor shocks. The protocol is the paper's, with one fit: every model is fitted
on the first ``--train-months`` months (default 120) and forecasts all the
remaining months (60 of the default 180). The score is the R² against a zero
forecast over the test rows, in percent, as GKX report it::

    R² = 100 * (1 - sum((y - prediction)^2) / sum(y^2))

The fit time is the wall time of ``fit`` alone (``time.perf_counter``). One data
set per seed: the panel is drawn with ``random_state=seed`` and every model that
has a ``random_state`` gets the same seed.

Every model runs in ``Pipeline(StandardScaler(), model)`` with
``set_output(transform="pandas")``, so that the (month, stock) index of ``X``
reaches the estimator: ``NumpyMLPRegressor`` reads the dates from the index's
first level and holds out whole months for early stopping. The script checks,
on every panel, that the scaler's output still carries the months.

The rows (``--models``, comma-separated keys):

- ``oracle``: the true conditional mean ``g``, no fit (the best any model can do);
- ``ridge``: ``RidgeCV(alphas=np.logspace(-3, 4, 30))``;
- ``hgb``: ``HistGradientBoostingRegressor(random_state=seed)``;
- ``sklearn_mlp``: scikit-learn's ``MLPRegressor(random_state=seed)``;
- ``default``: ``NumpyMLPRegressor(random_state=seed)``;
- each ``--variant NAME=JSON``: ``NumpyMLPRegressor(random_state=seed, **JSON)``.
  JSON lists become tuples (``hidden_layer_sizes``), unless the parameter's
  default is a list; ``"random_state"`` in the JSON overrides the seed;
  ``"class": "module.Name"`` builds that estimator class instead;
  ``NAME=@file.json`` reads the JSON from a file. Variants are appended to
  ``--models`` unless it names them.

The grid: ``--model`` (GKX models, ``a,b``), ``--seeds`` and ``--sizes``
(``STOCKSxMONTHSxCHARACTERISTICS`` items; ``X`` has twice as many features as
characteristics). Output: one markdown table per GKX model and size, one row per
model, one column per seed, the mean over seeds, its difference to the means of
``RidgeCV`` and of gradient boosting (percentage points), and the median fit
seconds over seeds. ``--json PATH`` writes every number (rewritten after each
fit, so that a long run can be followed or resumed by hand);
``--from-json A.json,B.json`` prints the tables of earlier runs without fitting
anything (later files win where two hold the same model, GKX model, size, train
months and seed), e.g. the baselines of one run next to the variants of another.

Fits run with ``--threads`` BLAS/OpenMP threads (default 1, set with
threadpoolctl; 0 leaves the libraries' defaults). One, because on a machine whose
few cores other jobs keep busy, threads that wait for each other spinning cost far
more than they gain on panels of this size, and distort the times. A progress
line per fit goes to stderr; ConvergenceWarnings are suppressed.

    python benchmarks/bench_gkx.py [--model a,b] [--seeds 0,1,2,3,4]
        [--sizes 200x180x50,100x180x100] [--train-months 120]
        [--models oracle,ridge,hgb,sklearn_mlp,default]
        [--variant big='{"hidden_layer_sizes": [128, 64], "n_networks": 10}']
        [--threads 1] [--json results.json]
    python benchmarks/bench_gkx.py --from-json baselines.json,variants.json
"""

import argparse
import importlib
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import skquantnn
from skquantnn import NumpyMLPRegressor
from skquantnn.datasets import make_gkx_panel
from skquantnn.metrics import oos_r2_score

ORACLE = "oracle"
#: Built-in rows: key -> (table label, estimator class, parameters).
BASELINES = {
    ORACLE: ("oracle (true g)", None, {}),
    "ridge": ("RidgeCV", RidgeCV, {"alphas": np.logspace(-3, 4, 30)}),
    "hgb": ("HistGradientBoostingRegressor()", HistGradientBoostingRegressor, {}),
    "sklearn_mlp": ("scikit-learn MLPRegressor()", MLPRegressor, {}),
    "default": ("NumpyMLPRegressor()", NumpyMLPRegressor, {}),
}
DEFAULT_MODELS = tuple(BASELINES)
#: Rows whose mean the tables subtract from every row's mean (if they ran).
REFERENCES = ("ridge", "hgb")


# ---------------------------------------------------------------- models


def _tuples(value):
    """JSON lists as tuples, nested ones too."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _resolve_class(name):
    module, _, attribute = name.rpartition(".")
    if not module:
        raise ValueError(f"'class' must be 'module.Name', got {name!r}")
    return getattr(importlib.import_module(module), attribute)


def parse_variant(text):
    """``NAME=JSON`` (or ``NAME=@file.json``) -> ``(name, spec)``."""
    name, sep, body = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"--variant needs NAME=JSON, got {text!r}")
    if name in BASELINES:
        raise ValueError(f"variant name {name!r} is a built-in row; choose another")
    if body.startswith("@"):
        body = Path(body[1:]).read_text()
    try:
        params = json.loads(body)
    except json.JSONDecodeError as error:
        raise ValueError(f"--variant {name}: invalid JSON ({error})") from None
    if not isinstance(params, dict):
        raise ValueError(f"--variant {name}: the JSON must be an object")
    cls = _resolve_class(params.pop("class")) if "class" in params else \
        NumpyMLPRegressor
    defaults = {k: p.default for k, p in
                inspect.signature(cls.__init__).parameters.items()}
    converted = {k: v if isinstance(defaults.get(k), list) else _tuples(v)
                 for k, v in params.items()}
    shown = ", ".join(f"{k}={v!r}" for k, v in converted.items())
    return name, (f"{name}: {cls.__name__}({shown})", cls, converted)


def make_estimator(spec, seed):
    """A fresh estimator of ``spec`` with ``random_state=seed`` if it has one
    (parameters of the spec win)."""
    _, cls, params = spec
    estimator = cls(**params)
    if "random_state" in estimator.get_params() and "random_state" not in params:
        estimator.set_params(random_state=seed)
    return estimator


def describe(spec):
    """What the JSON records of a row: its label, class and parameters."""
    label, cls, params = spec
    return {"label": label,
            "class": None if cls is None else f"{cls.__module__}.{cls.__name__}",
            "params": {k: v.tolist() if isinstance(v, np.ndarray) else v
                       for k, v in params.items()}}


# ---------------------------------------------------------------- protocol


def parse_size(text):
    try:
        stocks, months, chars = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"a size is STOCKSxMONTHSxCHARACTERISTICS, got {text!r}") \
            from None
    return stocks, months, chars


def train_test_rows(X, train_months):
    """Boolean masks: the first ``train_months`` months, and all later ones."""
    months = X.index.get_level_values("month")
    distinct = months.unique().sort_values()
    if not 0 < train_months < len(distinct):
        raise ValueError(f"--train-months {train_months} must lie between 1 and "
                         f"{len(distinct) - 1} ({len(distinct)} months)")
    train = np.asarray(months < distinct[train_months])
    return train, ~train


def check_dates_reach_model(X_train, y_train):
    """Raise unless ``Pipeline(StandardScaler(), ·)`` with pandas output hands
    the (month, stock) index on to its last step."""
    scaler = make_pipeline(StandardScaler()).set_output(transform="pandas")
    Xt = scaler.fit(X_train, y_train).transform(X_train)
    if not getattr(Xt, "index", X_train.index[:0]).equals(X_train.index):
        raise RuntimeError("the scaler's output lost the (month, stock) index: the "
                           "networks would not see the months")


def fit_and_score(spec, seed, X_train, y_train, X_test, y_test, threads):
    """R² against zero in percent, and the fit seconds, of one model."""
    pipe = make_pipeline(StandardScaler(), make_estimator(spec, seed)).set_output(
        transform="pandas")
    with warnings.catch_warnings(), threadpool_limits(limits=threads):
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        pipe.fit(X_train, y_train)
        seconds = time.perf_counter() - started
        prediction = np.asarray(pipe.predict(X_test), dtype=float)
    return 100 * oos_r2_score(y_test.to_numpy(), prediction, 0.0), seconds


# ---------------------------------------------------------------- tables


def _cell(value, fmt):
    return "–" if value is None or not np.isfinite(value) else format(value, fmt)


def tables(results, models):
    """Markdown tables, one per (GKX model, size, train months), as text."""
    groups = {}
    for r in results:
        groups.setdefault((r["gkx"], r["size"], r["train_months"]), []).append(r)
    out = []
    for (gkx, size, train_months), rows in groups.items():   # in run order
        stocks, months, chars = parse_size(size)
        seeds = sorted({r["seed"] for r in rows})
        keys = [k for k in models if any(r["model"] == k for r in rows)]
        keys += sorted({r["model"] for r in rows} - set(keys))
        cell = {(r["model"], r["seed"]): r for r in rows}
        means = {}
        for k in keys:
            values = [cell[k, s]["r2_percent"] for s in seeds if (k, s) in cell]
            # a mean over fewer seeds than the others would mislead
            means[k] = statistics.fmean(values) if len(values) == len(seeds) else None
        refs = [k for k in REFERENCES if means.get(k) is not None]
        out.append(
            f"GKX model ({gkx}), {stocks} stocks x {months} months, {chars} "
            f"characteristics ({2 * chars} features); train on months 1-"
            f"{train_months}, test on {train_months + 1}-{months}; R² against a zero "
            f"forecast (%), Pipeline(StandardScaler(), model)")
        header = ([f"seed {s}" for s in seeds] + ["mean"]
                  + [f"mean vs {k}" for k in refs] + ["fit s (median)"])
        out.append("| model | " + " | ".join(header) + " |")
        out.append("|---|" + "---:|" * len(header))
        for k in keys:
            label = models.get(k, {}).get("label", k)
            seconds = [cell[k, s]["fit_seconds"] for s in seeds
                       if (k, s) in cell and cell[k, s]["fit_seconds"] is not None]
            cells = [_cell(cell[k, s]["r2_percent"] if (k, s) in cell else None,
                           ".2f") for s in seeds]
            cells.append(_cell(means[k], ".2f"))
            cells += ["–" if k == ref or means[k] is None else
                      _cell(means[k] - means[ref], "+.2f") for ref in refs]
            cells.append(_cell(statistics.median(seconds), ".2f") if seconds
                         else "–")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- run


def _git_commit():
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                                capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "skquantnn"],
                               cwd=here.parent, capture_output=True, text=True,
                               check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit.stdout.strip() + ("+modified" if dirty.stdout.strip() else "")


def _write_json(path, settings, models, results, complete):
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps({"settings": settings, "models": models,
                               "results": results, "complete": complete},
                              indent=1))
    tmp.replace(path)


def load_json(paths):
    """Rows and results of earlier runs; later files win on duplicates."""
    models, results = {}, {}
    for path in paths:
        data = json.loads(Path(path).read_text())
        models.update(data["models"])
        for r in data["results"]:
            results[r["model"], r["gkx"], r["size"], r["train_months"],
                    r["seed"]] = r
    return models, list(results.values())


def _csv(text, kind=str):
    return [kind(v.strip()) for v in text.split(",") if v.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Rows: " + ", ".join(f"{k} = {v[0]}" for k, v in BASELINES.items()))
    parser.add_argument("--model", default="a,b",
                        help="GKX models, comma-separated (default: a,b)")
    parser.add_argument("--seeds", default="0,1,2,3,4",
                        help="comma-separated seeds of data and models "
                             "(default: 0,1,2,3,4)")
    parser.add_argument("--sizes", default="200x180x50",
                        help="comma-separated STOCKSxMONTHSxCHARACTERISTICS "
                             "(default: 200x180x50)")
    parser.add_argument("--train-months", type=int, default=120,
                        help="months to train on; the rest are tested (default: 120)")
    parser.add_argument("--models", default=None,
                        help="comma-separated rows (default: "
                             f"{','.join(DEFAULT_MODELS)} and every variant)")
    parser.add_argument("--variant", action="append", default=[],
                        metavar="NAME=JSON",
                        help="one more row: NumpyMLPRegressor(random_state=seed, "
                             "**JSON); repeatable")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP threads per fit; 0 = library defaults "
                             "(default: 1)")
    parser.add_argument("--json", metavar="PATH",
                        help="write every number to this JSON file")
    parser.add_argument("--from-json", metavar="PATHS",
                        help="print the tables of earlier --json files "
                             "(comma-separated) and fit nothing")
    args = parser.parse_args(argv)

    if args.from_json:
        models, results = load_json(_csv(args.from_json))
        print(tables(results, models))
        return

    specs = dict(BASELINES)
    try:
        variants = [parse_variant(v) for v in args.variant]
    except (ValueError, OSError, ImportError, AttributeError) as error:
        parser.error(str(error))
    if len({name for name, _ in variants}) < len(variants):
        parser.error("two --variant options share a name")
    specs.update(variants)
    names = _csv(args.models) if args.models else list(DEFAULT_MODELS)
    names += [name for name, _ in variants if name not in names]
    unknown = [n for n in names if n not in specs]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(specs)} (or add a --variant)")
    for name in names:                      # bad parameters fail before any fit
        if specs[name][1] is not None:
            try:
                make_estimator(specs[name], 0)
            except (TypeError, ValueError) as error:
                parser.error(f"--variant {name}: {error}")
    gkx_models = _csv(args.model)
    if not set(gkx_models) <= {"a", "b"}:
        parser.error(f"--model takes a and/or b, got {args.model!r}")
    seeds = _csv(args.seeds, int)
    sizes = [parse_size(s) for s in _csv(args.sizes)]
    for _, months, _ in sizes:
        if not 0 < args.train_months < months:
            parser.error(f"--train-months {args.train_months} leaves no test months "
                         f"of {months}")
    threads = args.threads or None

    models = {name: describe(specs[name]) for name in names}
    settings = {
        "protocol": "fit on the first train_months months, forecast the rest; "
                    "r2_percent = 100 * (1 - SSE / sum(y^2)) over the test rows; "
                    "fit_seconds = wall time of Pipeline.fit",
        "gkx_models": gkx_models, "seeds": seeds,
        "sizes": [f"{s}x{m}x{c}" for s, m, c in sizes],
        "train_months": args.train_months, "threads": threads,
        "versions": {"python": platform.python_version(),
                     "numpy": np.__version__, "scikit-learn": sklearn.__version__,
                     "skquantnn": skquantnn.__version__},
        "git_commit": _git_commit(), "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
    }
    results = []
    n_fits = len(sizes) * len(gkx_models) * len(seeds) * len(names)
    done, started = 0, time.perf_counter()
    for stocks, months, chars in sizes:
        size = f"{stocks}x{months}x{chars}"
        for gkx in gkx_models:
            for seed in seeds:
                X, y, g = make_gkx_panel(gkx, n_stocks=stocks, n_months=months,
                                         n_characteristics=chars, random_state=seed)
                train, test = train_test_rows(X, args.train_months)
                X_train, X_test = X.loc[train], X.loc[test]
                y_train, y_test = y.loc[train], y.loc[test]
                check_dates_reach_model(X_train, y_train)
                for name in names:
                    if name == ORACLE:
                        r2 = 100 * oos_r2_score(y_test.to_numpy(),
                                                g[test].to_numpy(), 0.0)
                        seconds = None
                    else:
                        r2, seconds = fit_and_score(specs[name], seed, X_train,
                                                    y_train, X_test, y_test, threads)
                    done += 1
                    results.append({"model": name, "gkx": gkx, "size": size,
                                    "train_months": args.train_months, "seed": seed,
                                    "r2_percent": r2, "fit_seconds": seconds})
                    took = "" if seconds is None else f" in {seconds:.1f} s"
                    print(f"[{done}/{n_fits} {time.perf_counter() - started:.0f} s] "
                          f"gkx {gkx} {size} seed {seed} {name}: "
                          f"R² {r2:+.2f}%{took}", file=sys.stderr, flush=True)
                    if args.json:
                        _write_json(args.json, settings, models, results, False)
    settings["load_average_end"] = os.getloadavg()
    settings["total_seconds"] = time.perf_counter() - started
    if args.json:
        _write_json(args.json, settings, models, results, True)
    print(tables(results, models))
    print(f"{n_fits} rows in {settings['total_seconds']:.0f} s, threads={threads}; "
          "load average at start "
          + ", ".join(f"{v:.2f}" for v in settings["load_average_start"])
          + ", at end " + ", ".join(f"{v:.2f}" for v in settings["load_average_end"]))


if __name__ == "__main__":
    main()
