"""The M3 yardstick: sklstm's forecaster against the classics on the M3 monthly series.

The setting of Makridakis, Spiliotis & Assimakopoulos (2018), "Statistical
and Machine Learning forecasting methods: Concerns and ways forward", PLOS
ONE 13(3): the 1045 monthly M3 series with at least 81 training months, 18
test months each, scored by sMAPE and MASE. Two tasks:

* **18 steps**: fit on the training part, forecast the 18 test months from
  the last training month;
* **one step**: forecast each test month from the actual history up to the
  month before, with the model (its parameters) fitted on the training part
  only (Naive2's seasonality test and indices too).

Methods: Naive2 (written here, as in the M competitions), ETS and Theta
(statsforecast's ``AutoETS`` and ``Theta``, the standard theta method),
``sklstm.make_lstm_forecaster`` forecasting recursively (one-step model fed
its own forecasts) and directly (one output per horizon), and a Ridge control:
the same recipe with a Ridge in place of the LSTM. Those are *local*: one
model per series. The *global* rows fit ONE ``make_lstm_forecaster`` (and a
global Ridge control) on the training parts of all selected series as a
panel, forecasting the 18 steps directly, with the factory's defaults
(nothing set but ``seasonal_period=12`` and the horizon: the settings are
resolved in ``fit`` from the panel, and the run prints what they resolved
to). Rows named
``mean(A, B)`` average two methods' forecasts; ``mean(global LSTM ...,
Theta)`` is the library's documented combination, and its 18-step forecasts
are checked to equal ``combine_forecasts([direct_forecast(model, history),
theta_forecast(history, 18, seasonal_period=12)])``. With ``--pretrained``,
``load_pretrained``'s route, one series at a time (fitted on the series'
training part, 18 steps directly), zero-shot and fine-tuned
(``--fine-tune K``): "cross-fitted" rows pretrain a network on one half of
the series and forecast the other half, then swap (each series forecast by
a network that never saw it); "shipped" rows use the network the package
ships, trained on the training parts of these same series. With ETS in the
run, a second table gives each method's RMSE over ETS's, geometric mean over
the series. One table, in one run, beside the paper's figures. Run::

    pip install -e ".[benchmark]"
    python benchmarks/m3.py                      # all 1045 series (hours for the LSTM)
    python benchmarks/m3.py --series 100 --seed 0
    python benchmarks/m3.py --stats-only         # Naive2 / ETS / Theta on all, minutes
    python benchmarks/m3.py --quick              # smoke run for CI, < 1 minute
    python benchmarks/m3.py --no-local           # statistics and the global models
    python benchmarks/m3.py --no-local --seeds 3 # and a 3-seed ensemble
    python benchmarks/m3.py --no-local --windows batches  # windows built per batch
    python benchmarks/m3.py --no-local --pretrained  # and the pretrained network, zero-shot
    python benchmarks/m3.py --no-local --pretrained --fine-tune 1  # and fine-tuned 1 epoch

docs/benchmarks-m3.md quotes runs of it.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import rmse, smape  # noqa: E402

SEASON = 12
HORIZON = 18
MIN_TRAIN = 81  # the paper's subset: 1045 series
DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "m3_monthly.csv"

# The paper's Tables 5-9 (sMAPE, MASE), on the 1045 series.
PAPER = {
    "Naive2": {"18 steps": (12.77, 1.05), "one step": (8.59, 0.56)},
    "ETS": {"18 steps": (11.26, 0.92), "one step": (7.19, 0.47)},
    "Theta": {"18 steps": (10.89, 0.90), "one step": (7.31, 0.48)},
    "ARIMA": {"18 steps": (11.28, 0.89), "one step": (7.34, 0.47)},
    "MLP": {"18 steps": (12.29, 0.96)},
    "BNN": {"18 steps": (12.09, 0.93)},
    "RNN": {"one step": (9.48, 0.54)},
    "LSTM": {"one step": (11.67, 0.72)},
}


# --- metrics -------------------------------------------------------------------


def mase(y_true, y_pred, train, season=SEASON):
    """Mean absolute error scaled by the in-sample mean ``|x[t] - x[t - season]|``."""
    train = np.asarray(train, float)
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    return float(np.mean(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))) / scale)


# --- Naive2 ------------------------------------------------------------------


def naive2_indices(train, season=SEASON):
    """Naive2's seasonal indices, or None when the series fails the test.

    The M competitions' recipe, as ``ChangeRegressor(season=SeasonalIndices(...))``
    uses it: the 90% test ``|r_m| > 1.645 * sqrt((1 + 2 * sum_{k < m} r_k^2) /
    n)`` on the autocorrelations, then the classical multiplicative
    decomposition (ratio to the centred ``2 x season`` moving average,
    averaged by position counted from the first observation, mean 1).
    """
    from sklstm._forecasting._seasonal import seasonal_indices

    train = np.asarray(train, float)
    return seasonal_indices(train, np.arange(len(train)), season, multiplicative=True)


def naive2(train, horizon=HORIZON, season=SEASON):
    """Naive2: the last seasonally adjusted value, reseasonalised over the horizon."""
    train = np.asarray(train, float)
    figure = naive2_indices(train, season)
    if figure is None:
        return np.full(horizon, train[-1])
    n = len(train)
    adjusted_last = train[-1] / figure[(n - 1) % season]
    return adjusted_last * figure[np.arange(n, n + horizon) % season]


# --- the methods -------------------------------------------------------------
# Each returns (18-step forecast, one-step forecasts of the 18 test months).


def naive2_one_step(train, test, season=SEASON):
    """Naive2 forecasts of each test value from the actual value before it.

    The seasonality test and the indices come from the training part only,
    like every other method's parameters here.
    """
    train, test = np.asarray(train, float), np.asarray(test, float)
    n = len(train)
    previous = np.r_[train[-1], test[:-1]]
    figure = naive2_indices(train, season)
    if figure is None:
        return previous
    steps = np.arange(n, n + len(test))
    return previous / figure[(steps - 1) % season] * figure[steps % season]


def run_naive2(train, test):
    return naive2(train, len(test)), naive2_one_step(train, test)


def statsforecast_method(make):
    def run(train, test):
        model = make().fit(np.asarray(train, float))
        full = np.r_[train, test]
        multi = model.predict(h=len(test))["mean"]
        # forward: the parameters fitted on the training part, applied to
        # the actual history up to each test month
        one_step = [model.forward(y=full[:k], h=1)["mean"][0] for k in range(len(train), len(full))]
        return np.asarray(multi), np.asarray(one_step)

    return run


def run_ets(train, test):
    from statsforecast.models import AutoETS

    return statsforecast_method(lambda: AutoETS(season_length=SEASON))(train, test)


def run_theta(train, test):
    from statsforecast.models import Theta

    return statsforecast_method(lambda: Theta(season_length=SEASON))(train, test)


def sklearn_method(make, strategy):
    """Forecasts of a regressor fitted on ``to_supervised`` of the training part.

    ``strategy="recursive"``: one-step model, ``recursive_forecast`` for the
    18 steps. ``"direct"``: one output per horizon (``horizon=range(1, 19)``),
    the 18 steps read off the last row; its first output is the one-step
    forecast.
    """

    def run(train_series, test_series):
        import pandas as pd

        from sklstm import recursive_forecast, to_supervised

        full = pd.concat([train_series, test_series])
        n, h = len(train_series), len(test_series)
        if strategy == "recursive":
            X, y = to_supervised(train_series)
            model = make().fit(X, y)
            multi = recursive_forecast(model, train_series, steps=h).to_numpy()
            # row t of the full series predicts t + 1: rows n - 1 .. n + h - 2
            one_step = np.asarray(model.predict(full.to_frame())).reshape(len(full), -1)
            return multi, one_step[n - 1 : n + h - 1, 0]
        X, Y = to_supervised(train_series, horizon=range(1, h + 1))
        model = make().fit(X, Y)
        predictions = np.asarray(model.predict(full.to_frame())).reshape(len(full), -1)
        return predictions[n - 1], predictions[n - 1 : n + h - 1, 0]

    run.needs_series = True
    return run


def lstm_forecaster(seed, quick):
    from sklstm import make_lstm_forecaster

    params = {"max_iter": 3, "units": 4} if quick else {}
    return make_lstm_forecaster(seasonal_period=SEASON, random_state=seed, **params)


def ridge_control(seed, quick):
    """The same recipe with a Ridge in place of the LSTM.

    Ridge cannot mask the missing lags of the first rows as the LSTM does:
    they are imputed as 0 after ``RelativeWindows``, i.e. "no change".
    """
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return lstm_forecaster(seed, quick).set_params(
        regressor__scale=make_pipeline(
            SimpleImputer(strategy="constant", fill_value=0.0), StandardScaler()
        ),
        regressor__seq="passthrough",
        regressor__lstm=Ridge(alpha=1.0),
    )


# --- global models: one forecaster fitted on the training parts of all series ---

# The global LSTM is make_lstm_forecaster with its defaults: nothing is set but
# the season and the horizon (to_supervised's). Its settings are resolved in
# fit from the panel (kind_="log", an LSTM(128) with early stopping; see
# docs/benchmark-records.md for how they were chosen on training parts).
YEAR_ALIGNED_END = 2000  # every training part is moved to end in this year


def aligned_panel(m3, ids, *, with_test=False):
    """The long table ``series, month, y`` of the chosen series.

    M3's series span decades (1980s to 1990s, different for each). A global
    model is trained on the training parts of all of them, as in the M4
    competition; to cut the panel at the same moments for every series
    (``PanelSplit``), each series is moved by whole years so that its
    training part ends in ``YEAR_ALIGNED_END``: the month of the year (the
    calendar feature) is kept, and every training part ends within the same
    12 months.
    """
    import pandas as pd

    frames = []
    for key in ids:
        train = m3.train[key]
        values = pd.concat([train, m3.test[key]]) if with_test else train
        shift = (YEAR_ALIGNED_END - train.index[-1].year) * 12
        frames.append(
            pd.DataFrame({"series": key, "month": values.index + shift, "y": values.to_numpy()})
        )
    return pd.concat(frames, ignore_index=True)


def global_lstm(seed, quick, windows="auto"):
    from sklstm import make_lstm_forecaster

    params = {"max_iter": 2, "units": 4} if quick else {}
    model = make_lstm_forecaster(seasonal_period=SEASON, random_state=seed, **params)
    return model.set_params(windows=windows)


def global_ridge(seed, quick):
    """The global recipe with a Ridge in place of the LSTM."""
    from sklearn.linear_model import Ridge

    return global_lstm(seed, quick).set_params(
        regressor__seq="passthrough", regressor__lstm=Ridge(alpha=1.0)
    )


def global_method(make, *, seeds=1, random_state=0):
    """Fit one forecaster on the training parts of all series, forecast each.

    ``seeds > 1``: ``sklstm.average_seeds`` of that many copies (their seeds
    drawn from ``random_state``), one ``SeedEnsemble`` that averages the 18
    outputs.
    """

    def run(m3, ids):
        from sklstm import average_seeds, direct_forecast, to_supervised

        h = HORIZON
        X, Y = to_supervised(
            aligned_panel(m3, ids),
            target="y",
            id="series",
            time="month",
            horizon=range(1, h + 1),
        )
        model = make()
        if seeds > 1:  # one SeedEnsemble: the mean of the seeds' 18 outputs
            model = average_seeds(model, seeds, random_state=random_state)
        model.fit(X, Y)
        # Forecast from each series' actual history (train, then test as inputs
        # only): the last training row gives the 18 steps, rows n-1 .. n+h-2
        # the one-step forecasts of the test months.
        full = aligned_panel(m3, ids, with_test=True).set_index(["series", "month"])[["y"]]
        full = full.groupby(level="series", sort=False).tail(h + 60)  # enough history

        def forecasts(fitted):
            predictions = np.asarray(fitted.predict(full)).reshape(len(full), h)
            out = {}
            for key, positions in full.groupby(level="series", sort=False).indices.items():
                rows = predictions[positions]  # this series, oldest first
                # the last training month (h test months after it) gives the 18
                # steps; months n-1 .. n+h-2 the one-step forecasts
                out[key] = (rows[-h - 1], rows[-h - 1 : -1, 0])
            return out

        # The library's route from the training parts (no test month as input):
        # direct_forecast labels each series' 18 steps for combine_forecasts.
        history = aligned_panel(m3, ids).set_index(["series", "month"])[["y"]]
        run.history, run.direct = history, direct_forecast(model, history)
        run.settings = _settings(model.estimators_[0] if seeds > 1 else model)
        if seeds > 1:  # the first seed alone, for a plain row without another fit
            run.first_member = forecasts(model.estimators_[0])
            run.first_direct = direct_forecast(model.estimators_[0], history)
        return forecasts(model)

    run.is_global = True
    return run


def _settings(forecaster):
    """What the forecaster's defaults resolved to in fit."""
    found = {"kind_": forecaster.kind_}
    last = forecaster.regressor_[-1]
    for name in ("units_", "batch_size_", "max_iter_", "early_stopping_", "loss_function_"):
        if hasattr(last, name):
            found[name] = getattr(last, name)
    if hasattr(last, "n_iter_"):
        found["n_iter_"] = last.n_iter_
    return found


# --- a pretrained network: trained on some series, forecasting others ---------


def pretrain(m3, ids, seed, quick=False):
    """The network of sklstm's pretraining recipe fitted on the training parts
    of the series ``ids`` (aligned as for the global models), 18 outputs."""
    from sklstm import to_supervised
    from sklstm._persistence._pretrained import pretraining_forecaster

    params = {"max_iter": 2, "units": 4} if quick else {}
    X, Y = to_supervised(
        aligned_panel(m3, ids), target="y", id="series", time="month", horizon=range(1, HORIZON + 1)
    )
    forecaster = pretraining_forecaster(SEASON, random_state=seed, **params).fit(X, Y)
    return forecaster.regressor_[-1]


def halves(ids, seed):
    """``ids`` split in two halves at random (seeded), each in ``ids``' order."""
    rng = np.random.RandomState(seed)
    first = set(rng.permutation(len(ids))[: len(ids) // 2])
    return (
        [key for i, key in enumerate(ids) if i in first],
        [key for i, key in enumerate(ids) if i not in first],
    )


def pretrained_method(seed, quick, *, fine_tune=(0,), network=None):
    """Forecasts of one series at a time by a pretrained network.

    ``network=None``: cross-fitted. The series are split into two halves; a
    network is pretrained on one half's training parts and forecasts each
    series of the other half, which it never saw; then the halves swap.
    Otherwise that (fitted) network forecasts every series. Each series is
    forecast as a one-series user would: the pretrained forecaster
    (``load_pretrained``'s recipe) fitted on the series' training part, 18
    steps from the last training month, one step from the actual history.
    ``fine_tune``: for each ``k``, a method whose network is fine-tuned ``k``
    epochs on the series (0: zero-shot, frozen). Returns ``{k: run}``; the
    runs share the pretrained networks (the first run to be called trains
    them).
    """
    networks = {}

    def trained(m3, ids):
        if not networks:
            if network is None:
                first, second = halves(ids, seed)
                for fit_on, forecast in ((first, second), (second, first)):
                    networks.update(dict.fromkeys(forecast, pretrain(m3, fit_on, seed, quick)))
            else:
                networks.update(dict.fromkeys(ids, network))
        return networks

    def method(k):
        def run(m3, ids):
            from sklstm._persistence._pretrained import pretrained_forecaster

            nets = trained(m3, ids)
            out = {}
            for key in ids:
                make = lambda net=nets[key]: pretrained_forecaster(  # noqa: E731
                    net, SEASON, max_iter=k, random_state=seed
                )
                out[key] = sklearn_method(make, "direct")(m3.train[key], m3.test[key])
            return out

        run.is_global = True
        return run

    return {k: method(k) for k in fine_tune}


def first_member_of(ensemble_run):
    """The forecasts of the first seed of ``ensemble_run`` (run before it)."""

    def run(m3, ids):
        run.history, run.direct = ensemble_run.history, ensemble_run.first_direct
        return ensemble_run.first_member

    run.is_global = True
    run.fitted_with = ensemble_run
    return run


def methods(args):
    found = {"Naive2": run_naive2}
    if not args.no_stats:
        if not args.no_ets:
            found["ETS"] = run_ets
        found["Theta"] = run_theta
    if not args.stats_only:
        for strategy in () if args.no_local else ("recursive", "direct"):
            found[f"Ridge control ({strategy})"] = sklearn_method(
                lambda: ridge_control(args.seed, args.quick), strategy
            )
        for strategy in args.lstm_strategies:
            found[f"make_lstm_forecaster ({strategy})"] = sklearn_method(
                lambda: lstm_forecaster(args.seed, args.quick), strategy
            )
        found["global Ridge (direct)"] = global_method(lambda: global_ridge(args.seed, args.quick))
        if args.seeds > 1:
            # One fit of N seeds: the plain row is its first member (the
            # member's seed is drawn by average_seeds from --seed).
            seeds = found[f"global LSTM, mean of {args.seeds} seeds"] = global_method(
                lambda: global_lstm(args.seed, args.quick, args.windows),
                seeds=args.seeds,
                random_state=args.seed,
            )
            found["global LSTM (direct)"] = first_member_of(seeds)
        else:
            found["global LSTM (direct)"] = global_method(
                lambda: global_lstm(args.seed, args.quick, args.windows)
            )
    if args.pretrained:
        # Cross-fitted: the figure for series the network never saw. The shipped
        # network was trained on the training parts of these same 1045 series
        # (not their test months).
        epochs = sorted({0, *args.fine_tune})
        crossed = pretrained_method(args.seed, args.quick, fine_tune=epochs)
        shipped = pretrained_method(args.seed, False, fine_tune=epochs, network=shipped_network())
        for k in epochs:
            how = "zero-shot" if k == 0 else f"fine-tuned {k}"
            found[f"pretrained, {how} (cross-fitted)"] = crossed[k]
            found[f"pretrained m3-monthly, {how} (shipped)"] = shipped[k]
    return found


def shipped_network():
    """The network ``load_pretrained("m3-monthly")`` ships."""
    from sklstm import load_pretrained

    return load_pretrained("m3-monthly", max_iter=0).regressor.named_steps["lstm"].estimator


def _log(message):
    print(message, file=sys.stderr, flush=True)


# --- the run -----------------------------------------------------------------


def select(m3, n_series, seed, min_train=MIN_TRAIN):
    """The ids of the paper's subset, or a seeded sample of ``n_series`` of them."""
    ids = list(m3.info.index[m3.info["n_train"] >= min_train])
    if n_series is not None and n_series < len(ids):
        rng = np.random.RandomState(seed)
        ids = sorted(rng.choice(ids, size=n_series, replace=False), key=ids.index)
    return ids


def evaluate(m3, ids, runners, *, log=print, combine=()):
    """sMAPE and MASE of every method, for both tasks, with its wall time.

    ``combine``: pairs of method names whose forecasts are averaged into an
    extra row (``mean(A, B)``), scored like the others.
    """
    rows, forecasts = {}, {}
    for name, run in runners.items():
        started = time.perf_counter()
        if getattr(run, "is_global", False):  # one fit for all series
            log(f"{name}: fitting one model on {len(ids)} series")
            forecasts[name] = run(m3, ids)
        else:
            forecasts[name] = {}
            for number, key in enumerate(ids, 1):
                train, test = m3.train[key], m3.test[key]
                if getattr(run, "needs_series", False):
                    forecasts[name][key] = run(train, test)
                else:
                    forecasts[name][key] = run(train.to_numpy(), test.to_numpy())
                if number % 100 == 0:
                    log(
                        f"  {name}: {number}/{len(ids)} series, "
                        f"{time.perf_counter() - started:.0f} s"
                    )
        rows[name] = score(m3, ids, forecasts[name])
        if hasattr(run, "settings"):
            log(f"{name}: the defaults resolved to {run.settings}")
        rows[name]["wall"] = time.perf_counter() - started
        if hasattr(run, "fitted_with"):  # fitted within another row's ensemble
            rows[name]["wall"] = np.nan
        log(f"{name}: done in {rows[name]['wall']:.1f} s")
    for first, second in combine:
        if first in forecasts and second in forecasts:
            mean = {
                key: tuple(
                    (np.asarray(a) + np.asarray(b)) / 2
                    for a, b in zip(forecasts[first][key], forecasts[second][key])
                )
                for key in ids
            }
            name = f"mean({first}, {second})"
            rows[name] = score(m3, ids, mean)
            rows[name]["wall"] = rows[first]["wall"] + rows[second]["wall"]
            if second == "Theta" and hasattr(runners[first], "direct"):
                gap = library_gap(runners[first], [mean[key][0] for key in ids])
                log(
                    f"{name}: combine_forecasts([direct_forecast, theta_forecast]) "
                    f"differs from this row's 18-step forecasts by at most {gap:.1e} "
                    "(relative)"
                )
                if gap > 1e-9:
                    raise AssertionError(
                        f"{name}: the library's combination is not this row ({gap:.1e})"
                    )
    if REFERENCE in forecasts:
        for name in rows:
            if name in forecasts:
                rows[name]["rmse ratio"] = rmse_ratios(
                    m3, ids, forecasts[name], forecasts[REFERENCE]
                )
    return rows


REFERENCE = "ETS"  # RMSE ratios are to its RMSE, series by series


def rmse_ratios(m3, ids, forecasts, reference):
    """Geometric mean over the series of RMSE / the reference's RMSE, each task."""
    logs = {"18 steps": [], "one step": []}
    for key in ids:
        test = m3.test[key]
        for task, mine, theirs in zip(logs, forecasts[key], reference[key]):
            logs[task].append(np.log(rmse(test, mine) / rmse(test, theirs)))
    return {task: float(np.exp(np.mean(v))) for task, v in logs.items()}


def library_gap(run, expected):
    """Largest relative difference between the library's combination and ``expected``.

    ``run`` is a global run (its panel ``history`` of training parts and its
    ``direct`` forecasts); ``expected`` the benchmark's own 18-step averages
    of that run and statsforecast's Theta, series by series in panel order.
    """
    from sklstm import combine_forecasts, theta_forecast

    theta = theta_forecast(run.history, HORIZON, seasonal_period=SEASON)
    library = combine_forecasts([run.direct, theta]).to_numpy()
    expected = np.concatenate(expected)
    return float(np.max(np.abs(library - expected) / np.abs(expected)))


def score(m3, ids, forecasts):
    """Mean sMAPE and MASE over the series, for both tasks."""
    scores = {"18 steps": [], "one step": []}
    for key in ids:
        train, test = m3.train[key], m3.test[key]
        for task, forecast in zip(scores, forecasts[key]):
            scores[task].append((smape(test, forecast), mase(test, forecast, train)))
    return {task: tuple(np.mean(s, axis=0)) for task, s in scores.items()}


def table(rows, n_series):
    paper_note = "paper (1045 series)" if n_series == 1045 else "paper (its 1045 series)"
    lines = [
        f"M3 monthly, {n_series} series with n_train >= {MIN_TRAIN}, horizon {HORIZON}; "
        "sMAPE / MASE",
        f"{'method':48} {'18 steps':>14} {'one step':>14}   {paper_note:>28}"
        f" {'wall s':>8} {'s/series':>9}",
    ]
    for name, row in rows.items():
        paper = PAPER.get(name, {})
        cells = [f"{row[t][0]:6.2f} / {row[t][1]:4.2f}" for t in ("18 steps", "one step")]
        published = " | ".join(
            f"{paper[t][0]:.2f} / {paper[t][1]:.2f}" if t in paper else "      -      "
            for t in ("18 steps", "one step")
        )
        lines.append(
            f"{name:48} {cells[0]:>14} {cells[1]:>14}   {published:>28}"
            f" {row['wall']:8.1f} {row['wall'] / n_series:9.3f}"
        )
    for name in ("LSTM", "RNN", "MLP", "BNN", "ARIMA"):
        paper = PAPER[name]
        published = " | ".join(
            f"{paper[t][0]:.2f} / {paper[t][1]:.2f}" if t in paper else "      -      "
            for t in ("18 steps", "one step")
        )
        lines.append(f"{'(paper) ' + name:48} {'':>14} {'':>14}   {published:>28}")
    ratios = [(name, row["rmse ratio"]) for name, row in rows.items() if "rmse ratio" in row]
    if ratios:
        lines.append(f"RMSE over {REFERENCE}'s, geometric mean over the series (below 1: better)")
        lines.append(f"{'method':48} {'18 steps':>14} {'one step':>14}")
        for name, ratio in ratios:
            lines.append(f"{name:48} {ratio['18 steps']:14.3f} {ratio['one step']:14.3f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the M3 monthly CSV")
    parser.add_argument("--series", type=int, default=None, help="a seeded sample of the 1045")
    parser.add_argument("--seed", type=int, default=0, help="sample and network seed")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 series, tiny nets")
    parser.add_argument("--stats-only", action="store_true", help="Naive2, ETS, Theta only")
    parser.add_argument("--no-stats", action="store_true", help="skip ETS and Theta")
    parser.add_argument(
        "--lstm-strategies",
        nargs="+",
        default=["recursive", "direct"],
        choices=["recursive", "direct"],
        help="how make_lstm_forecaster forecasts 18 steps",
    )
    parser.add_argument(
        "--seeds", type=int, default=1, help="also a row of the global LSTM averaged over N seeds"
    )
    parser.add_argument("--no-ets", action="store_true", help="skip ETS (the slowest)")
    parser.add_argument(
        "--no-local", action="store_true", help="skip the local (one model per series) rows"
    )
    parser.add_argument(
        "--windows",
        choices=["auto", "table", "batches"],
        default="auto",
        help="how the global LSTM builds its training windows (ChangeRegressor(windows=))",
    )
    parser.add_argument(
        "--pretrained",
        action="store_true",
        help="also load_pretrained's route, one series at a time: cross-fitted and shipped",
    )
    parser.add_argument(
        "--fine-tune",
        type=int,
        nargs="*",
        default=[],
        metavar="K",
        help="with --pretrained: also rows fine-tuned K epochs on each series",
    )
    args = parser.parse_args(argv)
    if args.fine_tune and not args.pretrained:
        parser.error("--fine-tune needs --pretrained")
    if args.no_local:
        args.lstm_strategies = []
    if args.quick:
        args.series = args.series or 2
    if not args.data.exists():
        parser.error(f"no file {args.data}: pass --data PATH/m3_monthly.csv")
    from sklstm.datasets import load_m3_monthly

    m3 = load_m3_monthly(args.data.resolve())
    ids = select(m3, args.series, args.seed)
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"{len(ids)} series (seed {args.seed}); data {args.data}",
        flush=True,
    )
    combine = [("global LSTM (direct)", "Theta")]
    # (with --seeds N, the plain row is the ensemble's first seed: its wall
    # time is part of the ensemble's, shown as nan)
    if args.seeds > 1:
        combine.append((f"global LSTM, mean of {args.seeds} seeds", "Theta"))
    rows = evaluate(m3, ids, methods(args), log=_log, combine=combine)
    print(table(rows, len(ids)))
    return rows


if __name__ == "__main__":
    main()
