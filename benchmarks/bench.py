"""Speed and memory of sklstm against plain Keras and scikeras, in one run.

Every figure is a ratio against a baseline measured in the same run, on the
same machine, so the table is comparable across machines. Run::

    pip install -e ".[benchmark]"
    python benchmarks/bench.py            # the full run (about 10 minutes on 2 cores)
    python benchmarks/bench.py --quick    # a smoke run with tiny sizes

Sections (``--only NAME`` runs one): import, fit, predict, grid, memory,
shapes, lags, panel (``--m3 PATH/m3_monthly.csv`` for the M3 panel instead
of synthetic data of its shape), panel_scale (100,000 short series against one
series of as many rows), panel_memory (a global fit's peak memory against the
raw panel, up to M5's shape, 30,490 x 1,941). scikeras rows are skipped when
scikeras is not installed.
"""

import argparse
import functools
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROWS = []


def report(section, what, baseline_name, baseline_s, ours_s, unit="s", note=""):
    ratio = baseline_s / ours_s if ours_s > 0 else float("inf")
    ROWS.append((section, what, baseline_name, baseline_s, ours_s, ratio, unit, note))
    print(
        f"  {what}: {baseline_name} {baseline_s:.4g} {unit}, sklstm {ours_s:.4g} {unit}"
        f" -> {ratio:.2f}x {note}",
        flush=True,
    )


def timed(function, repeat=1):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rss_mib():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_growth_mib(function):
    """How far RSS rose above its level before ``function`` ran, at its peak.

    Linux resets the process's peak RSS (VmHWM) when "5" is written to
    /proc/self/clear_refs; the peak read after the call is then this call's.
    """
    gc.collect()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before = rss_mib()
    function()
    with open("/proc/self/status") as handle:
        peak_kib = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM"))
    return peak_kib / 1024 - before


# ----------------------------------------------------------------- the models
def keras_model(n_steps, n_features, units):
    """The tutorial's network: LSTM(units) + Dense(1), adam, mse."""
    import keras

    model = keras.Sequential(
        [keras.Input((n_steps, n_features)), keras.layers.LSTM(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def tutorial_data():
    """Airline passengers scaled on the training part, look_back=1 (94 samples)."""
    from sklstm.datasets import load_airline

    values = load_airline().to_numpy(dtype=np.float32)
    n_train = int(len(values) * 0.67)
    low, high = values[:n_train].min(), values[:n_train].max()
    scaled = (values[:n_train] - low) / (high - low)
    return scaled[:-1].reshape(-1, 1, 1), scaled[1:]


def synthetic(n_samples, n_steps, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_steps, 1)).astype(np.float32)
    return X, X[:, -3:, 0].sum(axis=1)


def sklstm_model(units, epochs, batch_size, seed=0):
    from sklstm import LSTMRegressor

    return LSTMRegressor(
        units=units,
        max_iter=epochs,
        batch_size=batch_size,
        scale_target=False,
        random_state=seed,
    )


def tutorial_network(units=4):
    return keras_model(1, 1, units)


def scikeras_model(units, epochs, batch_size):
    """scikeras's KerasRegressor around the tutorial network, or None."""
    try:
        from scikeras.wrappers import KerasRegressor
    except ImportError:
        return None
    return KerasRegressor(
        model=tutorial_network,
        model__units=units,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
    )


# ------------------------------------------------------------------- sections
def bench_import(args):
    print("import (fresh interpreter, median of 3)")

    def seconds(code):
        def run():
            subprocess.run([sys.executable, "-c", code], check=True)

        return timed(run, repeat=3)

    python = seconds("pass")
    ours = seconds("import sklstm") - python
    tensorflow = seconds("import tensorflow") - python
    # sklstm's own share, read from -X importtime (subprocess timings are too
    # noisy for it): the cumulative time of "import sklstm" after sklearn.base.
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sklearn.base; import sklstm"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.splitlines()
    own_us = int(next(line for line in trace if line.rstrip().endswith("| sklstm")).split("|")[1])
    report(
        "import",
        "import sklstm",
        "import tensorflow",
        tensorflow,
        ours,
        note=f"(nearly all of it is scikit-learn; sklstm's own modules: {own_us / 1e3:.0f} ms)",
    )


def bench_fit(args):
    epochs = 10 if args.quick else 100
    X, y = tutorial_data()
    print(
        f"fit: tutorial configuration ({len(X)} samples, look_back 1, LSTM(4), "
        f"{epochs} epochs, batch_size 1; median of {args.repeat})"
    )
    # Warm up TensorFlow (its first operation sets up the runtime) on
    # another shape, so no side pays for it.
    keras_model(1, 1, 3).fit(X, y, epochs=1, verbose=0)
    sklstm_model(3, 1, 32).fit(X, y)
    plain = timed(
        lambda: keras_model(1, 1, 4).fit(X, y, epochs=epochs, batch_size=1, verbose=0), args.repeat
    )
    # The first fit of a network shape traces its training loop; later fits
    # of the same shape (the folds and refits of a grid search) reuse it.
    first = timed(lambda: sklstm_model(4, epochs, 1).fit(X, y))
    ours = timed(lambda: sklstm_model(4, epochs, 1).fit(X, y), args.repeat)
    report("fit", "tutorial fit, first of its shape", "Keras model.fit", plain, first)
    report("fit", "tutorial fit, shape seen before", "Keras model.fit", plain, ours)
    wrapped = scikeras_model(4, epochs, 1)
    if wrapped is not None:
        scikeras = timed(lambda: wrapped.fit(X, y), args.repeat)
        report(
            "fit", "tutorial fit, first of its shape", "scikeras KerasRegressor", scikeras, first
        )

    n_samples, epochs = (5_000, 1) if args.quick else (50_000, 2)
    X, y = synthetic(n_samples, 48)
    print(
        f"fit: large configuration ({n_samples} samples, look_back 48, LSTM(64), "
        f"batch 256, {epochs} epochs)"
    )
    plain = timed(
        lambda: keras_model(48, 1, 64).fit(X, y, epochs=epochs, batch_size=256, verbose=0)
    )
    ours = timed(lambda: sklstm_model(64, epochs, 256).fit(X, y))  # first of its shape
    report("fit", "large fit", "Keras model.fit", plain, ours)


def bench_predict(args):
    """The tutorial's network, LSTM(4) + Dense(1), predicting 5 rows: sklstm's
    predict (validation, scaling and all) against Keras's calls on the same
    network, look_back 1 to 3. Goal: at least 1.5x predict_on_batch."""
    X, y = tutorial_data()
    series = np.concatenate([X[:, 0, 0], y[-1:]])
    calls = 50 if args.quick else 300
    print(f"predict: 5 rows, median over {calls} calls after a first call")

    def per_call(function):
        function()
        return timed(function, repeat=calls)

    for look_back in (1, 2, 3):
        windows = np.lib.stride_tricks.sliding_window_view(series[:-1], look_back)[:, :, None]
        target = series[look_back:]
        ours = sklstm_model(4, 1, 32).fit(windows, target)
        model = keras_model(look_back, 1, 4)
        model.fit(windows, target, epochs=1, verbose=0)
        rows = windows[:5]
        ours_s = per_call(lambda: ours.predict(rows))  # noqa: B023 (called in the loop)
        if look_back == 1:
            report(
                "predict",
                "predict 5 rows, look_back 1",
                "Keras model.predict",
                per_call(lambda: model.predict(rows, verbose=0)) * 1e3,  # noqa: B023
                ours_s * 1e3,
                unit="ms",
            )
        report(
            "predict",
            f"predict 5 rows, look_back {look_back}",
            "Keras predict_on_batch",
            per_call(lambda: model.predict_on_batch(rows)) * 1e3,  # noqa: B023
            ours_s * 1e3,
            unit="ms",
            note="(goal: >= 1.5x)",
        )


def bench_grid(args):
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    X, y = tutorial_data()
    if args.quick:
        grid, epochs = {"units": [2, 4], "batch_size": [4, 8]}, 5
    else:
        grid, epochs = {"units": [2, 3, 4, 5], "batch_size": [1, 2, 3, 4, 5]}, 100
    print(
        f"grid: {grid}, {epochs} epochs, TimeSeriesSplit(3), refit "
        "(goal for the first n_jobs=-1 search: under 20 s)"
    )

    def search(estimator, n_jobs):
        return GridSearchCV(
            estimator,
            grid,
            cv=TimeSeriesSplit(3),
            scoring="neg_root_mean_squared_error",
            n_jobs=n_jobs,
        )

    # A first search pays one-off costs: each joblib worker imports TensorFlow
    # and traces its training loops. The second search of the same grid runs
    # warm (loky keeps its workers), which is the throughput of a long search.
    one_cold = timed(lambda: search(sklstm_model(4, epochs, 1), 1).fit(X, y))
    every_cold = timed(lambda: search(sklstm_model(4, epochs, 1), -1).fit(X, y))
    one = timed(lambda: search(sklstm_model(4, epochs, 1), 1).fit(X, y))
    every = timed(lambda: search(sklstm_model(4, epochs, 1), -1).fit(X, y))
    cores = os.cpu_count()
    report(
        "grid",
        f"first grid search, n_jobs=-1 ({cores} cores) vs n_jobs=1",
        "sklstm n_jobs=1",
        one_cold,
        every_cold,
    )
    report(
        "grid",
        f"same search again (warm), n_jobs=-1 ({cores} cores) vs n_jobs=1",
        "sklstm n_jobs=1",
        one,
        every,
    )
    wrapped = scikeras_model(4, epochs, 1)
    if wrapped is not None and (args.quick or args.scikeras_grid):
        scikeras_grid = {"model__units": grid["units"], "batch_size": grid["batch_size"]}
        scikeras = timed(
            lambda: GridSearchCV(
                wrapped, scikeras_grid, cv=TimeSeriesSplit(3), scoring="neg_root_mean_squared_error"
            ).fit(X, y)
        )
        report("grid", "grid search n_jobs=1", "scikeras n_jobs=1", scikeras, one)


def bench_memory(args):
    n_fits, n_plain = (20, 10) if args.quick else (100, 30)
    X, y = tutorial_data()
    print(
        f"memory: {n_fits} sequential sklstm fits in one process ({n_plain} plain Keras "
        "fits for the baseline; 5 epochs, batch 8)"
    )

    def run(fit, count):
        fit()  # warm up: TensorFlow's one-off allocations are not growth
        gc.collect()
        start_rss, times = rss_mib(), []
        for _ in range(count):
            times.append(timed(fit))
        gc.collect()
        return rss_mib() - start_rss, times

    def plain_fit():
        keras_model(1, 1, 4).fit(X, y, epochs=5, batch_size=8, verbose=0)

    # sklstm first: memory the baseline's fits leave behind cannot hide its growth.
    growth, times = run(lambda: sklstm_model(4, 5, 8).fit(X, y), n_fits)
    plain_growth, _ = run(plain_fit, n_plain)
    report(
        "memory",
        "RSS growth per fit",
        "Keras model.fit",
        plain_growth / n_plain,
        growth / n_fits,
        unit="MiB",
        note=f"(sklstm, {n_fits} fits: {growth:.0f} MiB in all)",
    )
    early = statistics.median(times[5:25])
    late = statistics.median(times[-20:])
    report(
        "memory",
        "fit time, fits 6-25 vs the last 20 (sklstm)",
        "early fits",
        early,
        late,
        note="(1.00x = no slow-down)",
    )


def bench_shapes(args):
    """Memory and tracing over many network shapes, as in a wide grid search.

    Fits cycle over look_back x units shapes. The first pass traces each
    shape once (a training epoch and a forward pass: two traced functions);
    every later fit reuses them, so it should not grow memory. Then
    ``sklstm.clear_traces()`` frees them: the RSS it gives back, per traced
    function, is what the bounded trace cache holds per entry.
    """
    from sklstm import clear_traces

    look_backs, units = (range(1, 4), range(2, 4)) if args.quick else (range(1, 13), range(2, 9))
    shapes = [(n_steps, n_units) for n_steps in look_backs for n_units in units]
    n_fits = 2 * len(shapes) if args.quick else 200
    print(
        f"shapes: {n_fits} fits cycling over {len(shapes)} shapes (look_back "
        f"{look_backs.start}-{look_backs.stop - 1} x units {units.start}-{units.stop - 1}; "
        "64 samples, 2 epochs, batch 16)"
    )
    rng = np.random.RandomState(0)
    series = rng.normal(size=64 + max(look_backs)).astype(np.float32)

    def fit(i):
        n_steps, n_units = shapes[i % len(shapes)]
        X = np.lib.stride_tricks.sliding_window_view(series, n_steps)[:64, :, None]
        sklstm_model(n_units, 2, 16, seed=i).fit(X, series[n_steps : n_steps + 64]).predict(X)

    fit(0)  # TensorFlow's one-off set-up is not growth
    gc.collect()
    start_rss = rss_mib()
    for i in range(1, len(shapes)):
        fit(i)
    gc.collect()
    warm_rss = rss_mib()
    for i in range(len(shapes), n_fits):
        fit(i)
    gc.collect()
    end_rss = rss_mib()
    n_warm, n_late = len(shapes) - 1, n_fits - len(shapes)
    report(
        "shapes",
        "RSS growth per fit, shapes seen before vs first of each shape",
        "first fits",
        (warm_rss - start_rss) / n_warm,
        (end_rss - warm_rss) / n_late,
        unit="MiB",
        note=f"(RSS {start_rss:.0f} -> {warm_rss:.0f} -> {end_rss:.0f} MiB)",
    )
    clear_traces()
    gc.collect()
    cleared_rss = rss_mib()
    # Each shape's first fit traces two functions (an epoch, a forward pass).
    per_trace = (warm_rss - start_rss) / (2 * n_warm)
    freed = (end_rss - cleared_rss) / (2 * len(shapes))
    print(
        f"  clear_traces(): RSS {end_rss:.0f} -> {cleared_rss:.0f} MiB "
        f"({2 * len(shapes)} traced functions dropped)"
    )
    report(
        "shapes",
        "RSS per traced function: kept (first fits) vs given back by clear_traces",
        "kept",
        per_trace,
        freed,
        unit="MiB",
        note="(1.00x = all given back)",
    )


def bench_lags(args):
    from sklstm import LagFeaturizer

    sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    print("lags: LagFeaturizer(look_back=24) on n x 4 vs a numpy copy of the output")
    for n_rows in sizes:
        X = np.random.RandomState(0).normal(size=(n_rows, 4))
        lags = LagFeaturizer(look_back=24).fit(X)
        out = lags.transform(X)
        copy_s = timed(out.copy, repeat=3)
        del out
        gc.collect()
        ours = timed(lambda: lags.transform(X), repeat=3)
        report(
            "lags",
            f"{n_rows:,} rows ({n_rows * 96 * 8 / 2**20:.0f} MiB out)",
            "numpy copy",
            copy_s,
            ours,
        )


def m3_shaped_panel(args):
    """A long-format monthly panel: the M3 monthly training parts (``--m3 PATH``)
    or, by default, synthetic series of their number and lengths (48-126 months,
    levels from tens to tens of thousands)."""
    import pandas as pd

    if args.m3 is not None:
        from sklstm.datasets import load_m3_monthly

        series = load_m3_monthly(args.m3).train
        if args.quick:
            series = dict(list(series.items())[:60])
        return pd.concat(
            pd.DataFrame({"series": key, "month": values.index, "value": values.to_numpy()})
            for key, values in series.items()
        ), "M3 monthly training parts"
    rng = np.random.RandomState(0)
    n_series = 60 if args.quick else 1428
    lengths = rng.randint(48, 127, n_series)
    parts = []
    for number, length in enumerate(lengths):
        months = pd.period_range(f"{rng.randint(1975, 1990)}-01", periods=length, freq="M")
        log_level = rng.uniform(np.log(20), np.log(20_000))
        walk = np.cumsum(rng.normal(0, 0.04, length))
        season = rng.uniform(0, 0.2) * np.sin(2 * np.pi * (months.month - rng.randint(12)) / 12)
        parts.append(
            pd.DataFrame(
                {
                    "series": f"S{number}",
                    "month": months,
                    "value": np.exp(log_level + walk + season),
                }
            )
        )
    return pd.concat(parts), "synthetic, the shape of M3 monthly"


def bench_panel(args):
    """A global model on a panel the size of M3 monthly: fit speed and memory
    against Keras ``Model.fit`` on the same windows, batches and epochs, and
    the forecast of every series in one pass against a loop over series."""
    from sklstm import make_lstm_forecaster, recursive_forecast, to_supervised

    frame, source = m3_shaped_panel(args)
    look_back, units, epochs = 24, (8 if args.quick else 64), (1 if args.quick else 2)
    batch_sizes = [32] if args.quick else [32, 256]
    X, y = to_supervised(frame, target="value", id="series", time="month")
    # The recipe's inputs: 24 log lags relative to the current value, one LSTM
    # step (set: beyond 10,000 windows the defaults would take one step per
    # lag); its target: the log change to the next month.
    forecaster = make_lstm_forecaster(
        look_back,
        kind="log",
        reference="last",
        units=units,
        max_iter=1,
        batch_size=256,
        early_stopping=False,
        random_state=0,
    ).set_params(regressor__seq__layout="window")
    forecaster.fit(X, y)
    # the pipeline reads the level as its log, as ChangeRegressor(kind="log") gives it
    windows = np.asarray(forecaster.regressor_[:-1].transform(np.log(X)), dtype=np.float32)
    change = np.log(y.to_numpy() / X["value"].to_numpy()).astype(np.float32)
    n_series = frame["series"].nunique()
    print(
        f"panel: {source}, {n_series} series, {len(windows):,} windows of {look_back} "
        f"lags ({windows.nbytes / 2**20:.1f} MiB as float32), LSTM({units}), "
        f"{epochs} epochs"
    )
    keras_windows = windows.reshape(len(windows), 1, look_back)
    # Warm up both (TensorFlow's set-up; sklstm traces each layout once) on a
    # slice of the same shape, so neither side pays a one-off cost below.
    keras_model(1, look_back, units).fit(
        keras_windows[:512], change[:512], epochs=1, batch_size=256, verbose=0
    )
    sklstm_model(units, 1, 256).fit(windows[:512], change[:512])
    for batch_size in batch_sizes:

        def plain():
            keras_model(1, look_back, units).fit(
                keras_windows, change, epochs=epochs, batch_size=batch_size, verbose=0
            )

        def ours():
            sklstm_model(units, epochs, batch_size).fit(windows, change)

        plain_s, ours_s = timed(plain), timed(ours)
        report(
            "panel",
            f"global fit, {len(windows):,} windows, batch {batch_size}",
            "Keras model.fit",
            plain_s,
            ours_s,
        )
    # Memory: each fit in a fresh process (in this one, a fit reuses memory
    # the fits before it freed), as the peak RSS growth during the fit in
    # units of the window tensor. More epochs must not need more: no copy of
    # the windows per epoch.
    big = batch_sizes[-1]
    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "windows.npy", windows)
        np.save(Path(folder) / "change.npy", change)

        def peak(kind, n_epochs):
            command = [
                sys.executable,
                __file__,
                "--fit-peak",
                kind,
                str(n_epochs),
                str(big),
                str(units),
                folder,
            ]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            return float(out.split()[-1])

        plain_peak, ours_peak, longer = (
            peak("keras", epochs),
            peak("sklstm", epochs),
            peak("sklstm", 3 * epochs),
        )
    size = windows.nbytes / 2**20
    report(
        "panel",
        f"peak RSS growth during a fit, batch {big}, {epochs} epochs (fresh processes)",
        "Keras model.fit",
        plain_peak,
        ours_peak,
        unit="MiB",
        note=f"(window tensor {size:.1f} MiB: Keras {plain_peak / size:.1f}x it, "
        f"sklstm {ours_peak / size:.1f}x; sklstm at {3 * epochs} epochs "
        f"{longer:.1f} MiB)",
    )

    n_loop = 20 if args.quick else 100
    observed = frame.set_index(["series", "month"])
    some = observed.index.get_level_values("series").isin(frame["series"].unique()[:n_loop])

    def one_pass():
        recursive_forecast(forecaster, observed[some], steps=18)

    def loop():
        for _, alone in observed[some].groupby(level="series", sort=False):
            recursive_forecast(forecaster, alone, steps=18)

    report(
        "panel",
        f"18-step forecast of {n_loop} series",
        "one call per series",
        timed(loop),
        timed(one_pass),
        note="(one predict per step for all series)",
    )
    every = timed(lambda: recursive_forecast(forecaster, observed, steps=18))
    print(f"  18-step forecast of all {n_series} series in one pass: {every:.3g} s")


def _main_package(ref="main"):
    """``ref``'s sklstm (``--baseline``, default ``main``), imported as
    ``sklstm_main`` (a copy of the package from git, in a temporary folder):
    the forecasts' "before", in the same process."""
    import importlib

    folder = Path(tempfile.mkdtemp(prefix="sklstm_main_"))
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "sklstm"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / "sklstm").rename(folder / "sklstm_main")
    sys.path.insert(0, str(folder))
    return importlib.import_module("sklstm_main")


def _one_epoch(package):
    """One epoch, spelled as ``package`` spells it (``main`` may predate ``max_iter``)."""
    name = "max_iter" if "max_iter" in package.LSTMRegressor().get_params() else "epochs"
    return {name: 1}


def _this_package():
    """This working tree's sklstm, not one installed elsewhere (``python
    benchmarks/bench.py`` puts ``benchmarks/`` first on the path, so a plain
    ``import sklstm`` finds whatever the environment installed)."""
    import importlib

    root = Path(__file__).resolve().parents[1]
    loaded = sys.modules.get("sklstm")
    if loaded is not None and Path(loaded.__file__).resolve().parents[1] != root:
        raise RuntimeError(
            f"sklstm was imported from {loaded.__file__}, not from {root}; "
            "run the forecast section alone (--only forecast)."
        )
    sys.path.insert(0, str(root))
    package = importlib.import_module("sklstm")
    print(f"  this: {package.__file__}")
    return package


def bench_forecast(args):
    """The 18-step recursive forecast of one series and of every series of an
    M3-shaped panel with the default factory, ``--baseline``'s code (``main``) against this one,
    per step (each fitted the same way on the same panel)."""
    sklstm = _this_package()
    frame, source = m3_shaped_panel(args)
    observed = frame.set_index(["series", "month"])
    one = observed.loc[[frame["series"].iloc[0]]]
    n_series = frame["series"].nunique()
    steps = 18
    per_step = {}
    for name, package in (("main", _main_package(args.baseline)), ("this", sklstm)):
        X, y = package.to_supervised(frame, target="value", id="series", time="month")
        model = package.make_lstm_forecaster(
            seasonal_period=12, units=16, batch_size=512, random_state=0, **_one_epoch(package)
        ).fit(X, y)
        package.recursive_forecast(model, one, steps=2)  # warm up (tracing)
        per_step[name] = [
            timed(
                lambda p=package, m=model, d=data: p.recursive_forecast(m, d, steps=steps),
                args.repeat,
            )
            / steps
            for data in (one, observed)
        ]
    print(f"forecast: {source}, {n_series} series, default factory (seasonal_period=12)")
    for position, what in enumerate(["one series", f"all {n_series} series"]):
        report(
            "forecast",
            f"{steps}-step recursive forecast of {what}, per step",
            args.baseline,
            per_step["main"][position],
            per_step["this"][position],
        )


def bench_panel_scale(args):
    """Panels of many short series cost what one series of as many rows costs:
    to_supervised and LagFeaturizer find each series by group offsets, with no
    Python loop per series (before: 100,000 series x 10 rows took 135 s in
    to_supervised and 6.8 s in LagFeaturizer.fit, per issue 22)."""
    import warnings

    import pandas as pd

    from sklstm import LagFeaturizer, to_supervised

    n_series, n_rows = (2_000, 10) if args.quick else (100_000, 10)
    n = n_series * n_rows
    values = np.random.RandomState(0).normal(size=n)
    panel = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n_series), n_rows),
            "t": np.tile(np.arange(n_rows), n_series),
            "y": values,
        }
    )
    one = pd.DataFrame({"id": 0, "t": np.arange(n), "y": values})
    what = f"{n_series:,} series x {n_rows} rows"
    base = f"1 series x {n:,} rows"
    print(f"panel_scale: {what} against {base}")

    def pairs(frame):
        return lambda: to_supervised(frame, id="id", time="t", target="y")

    report(
        "panel_scale",
        f"to_supervised, {what}",
        base,
        timed(pairs(one), args.repeat),
        timed(pairs(panel), args.repeat),
    )
    lagged = {
        name: frame.set_index(["id", "t"])[["y"]]
        for name, frame in [("one", one), ("panel", panel)]
    }
    fits = {name: LagFeaturizer(look_back=3).fit(X) for name, X in lagged.items()}
    report(
        "panel_scale",
        f"LagFeaturizer(look_back=3).fit, {what}",
        base,
        timed(lambda: LagFeaturizer(look_back=3).fit(lagged["one"]), args.repeat),
        timed(lambda: LagFeaturizer(look_back=3).fit(lagged["panel"]), args.repeat),
    )
    report(
        "panel_scale",
        f"LagFeaturizer(look_back=3).transform, {what}",
        base,
        timed(lambda: fits["one"].transform(lagged["one"]), args.repeat),
        timed(lambda: fits["panel"].transform(lagged["panel"]), args.repeat),
    )
    singles = pd.DataFrame({"id": np.arange(n), "t": 0, "y": values})

    def refused():
        try:
            to_supervised(singles, id="id", time="t", target="y")
        except ValueError:
            return
        raise AssertionError("one-row series were paired")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report(
            "panel_scale",
            f"to_supervised refusing {n:,} one-row series",
            base,
            timed(pairs(one), args.repeat),
            timed(refused, args.repeat),
        )


# Panels for the memory of a global fit: (series, rows per series); the last
# is M5's shape (30,490 series x 1,941 days).
PANEL_SIZES = [(1_000, 500), (4_000, 500), (10_000, 1_941), (30_490, 1_941)]
QUICK_PANEL_SIZES = [(200, 120), (400, 120)]
# A windows="table" fit is measured too up to this many rows (beyond, it
# needs more memory than a 24 GiB machine has).
TABLE_MAX_ROWS = 2_000_000


def daily_panel(n_series, n_rows, seed=0):
    """A synthetic panel of positive daily series with a weekly cycle: the
    long table ``id, day, sales`` (int32, period, float64)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    days = pd.period_range("2011-01-29", periods=n_rows, freq="D")
    level = rng.uniform(np.log(2), np.log(200), n_series)[:, None]
    walk = np.cumsum(rng.normal(0, 0.02, (n_series, n_rows)), axis=1)
    week = rng.uniform(0, 0.3, n_series)[:, None] * np.sin(2 * np.pi * np.arange(n_rows) / 7)
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n_series, dtype=np.int32), n_rows),
            "day": np.tile(days, n_series),
            "sales": np.exp(level + walk + week).ravel(),
        }
    )


def panel_forecaster(windows, samples_per_epoch, quick):
    from sklstm import make_lstm_forecaster

    return make_lstm_forecaster(
        seasonal_period=7,
        units=4 if quick else 16,
        batch_size=1024,
        max_iter=1,
        samples_per_epoch=samples_per_epoch,
        random_state=0,
    ).set_params(windows=windows)


def panel_fit(n_series, n_rows, windows, samples_per_epoch, quick):
    """In a fresh process: a global fit's and a forecast's cost on a synthetic
    panel, as one JSON line (sizes in MiB, times in s)."""
    import json
    import warnings

    from sklstm import recursive_forecast, to_supervised

    warnings.simplefilter("ignore")  # one sampled epoch: not converged, as intended
    samples_per_epoch = None if samples_per_epoch == 0 else samples_per_epoch
    # TensorFlow's start and the traces, on a small panel that the defaults
    # treat as the large ones (more than 10,000 rows): the same layouts
    small = to_supervised(daily_panel(100, 120, seed=1), target="sales", id="id", time="day")
    panel_forecaster("batches", samples_per_epoch, quick).fit(*small)
    panel_forecaster("table", samples_per_epoch, quick).fit(*small)
    frame = daily_panel(n_series, n_rows)
    start = time.perf_counter()
    X, y = to_supervised(frame, target="sales", id="id", time="day")
    pairing_s = time.perf_counter() - start
    del frame
    model = panel_forecaster(windows, samples_per_epoch, quick)
    start = time.perf_counter()
    fit_growth = peak_rss_growth_mib(functools.partial(model.fit, X, y))
    fit_s = time.perf_counter() - start
    with open("/proc/self/status") as handle:  # the whole process, at the fit's peak
        process_peak = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM"))
    history = X.groupby(level="id", sort=False).tail(model.n_history_)
    del X, y
    forecast = {}

    def run_forecast():
        forecast["values"] = recursive_forecast(model, history, steps=28)

    start = time.perf_counter()
    forecast_growth = peak_rss_growth_mib(run_forecast)
    forecast_s = time.perf_counter() - start
    values = n_series * n_rows
    print(
        json.dumps(
            {
                "raw_mib": values * 8 / 2**20,
                "windows": values - n_series,
                "pairing_s": pairing_s,
                "fit_s": fit_s,
                "fit_growth_mib": fit_growth,
                "process_peak_mib": process_peak / 1024,
                "forecast_s": forecast_s,
                "forecast_growth_mib": forecast_growth,
                "forecasts": int(np.asarray(forecast["values"]).size),
            }
        )
    )


def bench_panel_memory(args):
    """A global fit's peak memory and time against the raw panel's size, for
    panels up to M5's shape: windows built per batch (``windows="batches"``,
    the default beyond 200,000 rows) against the table of windows
    (``windows="table"``) where the table fits in memory. One sampled epoch
    (``samples_per_epoch``) each, in a fresh process; then the 28-day
    forecast of every series."""
    import json

    sizes = QUICK_PANEL_SIZES if args.quick else PANEL_SIZES
    samples = 2_000 if args.quick else 200_000
    print(
        f"panel_memory: LSTM({4 if args.quick else 16}), batch 1024, one epoch of "
        f"{samples:,} windows drawn from all, early stopping on a draw of as many"
    )

    def child(n_series, n_rows, windows):
        command = [
            sys.executable,
            __file__,
            "--panel-fit",
            str(n_series),
            str(n_rows),
            windows,
            str(samples),
            "1" if args.quick else "0",
        ]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    for n_series, n_rows in sizes:
        what = f"{n_series:,} series x {n_rows:,} rows"
        ours = child(n_series, n_rows, "batches")
        raw = ours["raw_mib"]
        budget = 3 * raw + 200
        print(
            f"  {what} (raw {raw:.0f} MiB, {ours['windows']:,} windows): to_supervised "
            f"{ours['pairing_s']:.1f} s; fit {ours['fit_s']:.1f} s, peak growth "
            f"{ours['fit_growth_mib']:.0f} MiB = {ours['fit_growth_mib'] / raw:.2f}x raw "
            f"(budget 3x + 200 MiB = {budget:.0f} MiB), the process at "
            f"{ours['process_peak_mib']:.0f} MiB; forecast of all series "
            f"{ours['forecast_s']:.1f} s, +{ours['forecast_growth_mib']:.0f} MiB",
            flush=True,
        )
        if n_series * n_rows <= (TABLE_MAX_ROWS // 10 if args.quick else TABLE_MAX_ROWS):
            table = child(n_series, n_rows, "table")
            report(
                "panel_memory",
                f"peak RSS growth of a global fit, {what}",
                'windows="table"',
                table["fit_growth_mib"],
                ours["fit_growth_mib"],
                unit="MiB",
                note=f"(raw {raw:.0f} MiB; table {table['fit_s']:.1f} s, "
                f"batches {ours['fit_s']:.1f} s)",
            )


def fit_peak(kind, epochs, batch_size, units, folder):
    """In a fresh process: the peak RSS growth (MiB) of one fit on saved windows."""
    windows = np.load(Path(folder) / "windows.npy")
    change = np.load(Path(folder) / "change.npy")
    n_steps = windows.shape[1]
    if kind == "keras":
        windows = windows.reshape(len(windows), 1, n_steps)
        keras_model(1, n_steps, units).fit(
            windows[:512], change[:512], epochs=1, batch_size=batch_size, verbose=0
        )

        def fit():
            keras_model(1, n_steps, units).fit(
                windows, change, epochs=epochs, batch_size=batch_size, verbose=0
            )
    else:
        sklstm_model(units, 1, batch_size).fit(windows[:512], change[:512])

        def fit():
            sklstm_model(units, epochs, batch_size).fit(windows, change)

    print(peak_rss_growth_mib(fit))


SECTIONS = {
    "import": bench_import,
    "fit": bench_fit,
    "predict": bench_predict,
    "grid": bench_grid,
    "memory": bench_memory,
    "shapes": bench_shapes,
    "lags": bench_lags,
    "panel": bench_panel,
    "forecast": bench_forecast,
    "panel_scale": bench_panel_scale,
    "panel_memory": bench_panel_memory,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for CI")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    parser.add_argument("--repeat", type=int, default=None, help="timing repeats")
    parser.add_argument(
        "--m3",
        type=Path,
        default=None,
        metavar="PATH",
        help="panel section: the M3 monthly CSV (default: synthetic data of its shape)",
    )
    parser.add_argument(
        "--scikeras-grid", action="store_true", help="also run the grid with scikeras (slow)"
    )
    parser.add_argument(
        "--baseline",
        default="main",
        metavar="REF",
        help="forecast section: the git commit or branch whose package is the 'before'",
    )
    parser.add_argument("--fit-peak", nargs=5, help=argparse.SUPPRESS)  # a child process
    parser.add_argument("--panel-fit", nargs=5, help=argparse.SUPPRESS)  # a child process
    args = parser.parse_args(argv)
    if args.panel_fit:
        n_series, n_rows, windows, samples, quick = args.panel_fit
        return panel_fit(int(n_series), int(n_rows), windows, int(samples), quick == "1")
    if args.fit_peak:
        kind, epochs, batch_size, units, folder = args.fit_peak
        return fit_peak(kind, int(epochs), int(batch_size), int(units), folder)
    args.repeat = args.repeat or (1 if args.quick else 3)
    for name in args.only or SECTIONS:
        SECTIONS[name](args)

    print("\n| section | measure | baseline | baseline | sklstm | ratio (baseline / sklstm) |")
    print("|---|---|---|---|---|---|")
    for section, what, base, base_v, ours_v, ratio, unit, _ in ROWS:
        print(
            f"| {section} | {what} | {base} | {base_v:.4g} {unit} | {ours_v:.4g} {unit} | "
            f"{ratio:.2f}x |"
        )


if __name__ == "__main__":
    main()
