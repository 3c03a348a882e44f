"""Validation scores of global-LSTM candidates on M3 training parts only.

The search of ``benchmarks/m3.py`` (``GridSearchCV`` over ``PanelSplit(n_splits=2,
test_size=12, gap=17)``, scored by sMAPE, on the training parts of the
seeded sample) for one candidate at a time: ``make_lstm_forecaster`` with its
defaults (``seasonal_period=12``), changed by ``--set key=value``
(``regressor__lstm__units=64``; ``regressor__seq=steps`` for one LSTM step
per month)
and optionally fitted with time-decay sample weights (``--half-life`` years:
a window ``a`` years older than the panel's last month weighs ``0.5 ** (a /
half_life)``). It never reads a test month. One candidate per process, so
that two can run side by side on two cores::

    python benchmarks/m3_validate.py --series 200 --set regressor__lstm__units=128

prints the candidate and its validation sMAPE (mean of the 2 folds).
"""

import argparse
import ast
import json
import sys
import time
from pathlib import Path

import numpy as np

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import m3  # noqa: E402


def parse_value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def seq_steps(changes):
    """``changes`` with ``regressor__seq="steps"`` given as the step (one LSTM
    step per month) and ``"one"`` as ``"passthrough"`` (the window as one step)."""
    from sklstm import SequenceReshaper

    names = {"one": "passthrough", "steps": SequenceReshaper()}
    return {
        key: names.get(value, value) if key == "regressor__seq" else value
        for key, value in changes.items()
    }


def sample_smape(ids):
    """Negative sMAPE over the rows of the series ``ids`` only."""
    ids = set(ids)

    def score(estimator, X, Y):
        rows = np.asarray(X.index.get_level_values("series").isin(ids))
        return -m3.smape(np.asarray(Y)[rows], np.asarray(estimator.predict(X))[rows])

    return score


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=m3.DEFAULT_DATA)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0, help="sample and network seed")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--half-life", type=float, default=None, help="years; time-decay weights")
    parser.add_argument("--seeds", type=int, default=1, help="average_seeds of N copies")
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="one value per member of the --seeds ensemble (as many); repeat for several keys",
    )
    parser.add_argument(
        "--train-on",
        choices=["sample", "paper", "all"],
        default="sample",
        help="fit on the sample's series, the 1045, or all 1428",
    )
    args = parser.parse_args(argv)

    from sklearn.model_selection import GridSearchCV

    from sklstm import PanelSplit, average_seeds, to_supervised
    from sklstm.datasets import load_m3_monthly

    data = load_m3_monthly(args.data.resolve())
    ids = m3.select(data, args.series, args.seed)
    trained_on = {
        "sample": ids,
        "paper": m3.select(data, None, args.seed),
        "all": list(data.info.index),
    }[args.train_on]
    h = m3.HORIZON
    X, Y = to_supervised(
        m3.aligned_panel(data, trained_on),
        target="y",
        id="series",
        time="month",
        horizon=range(1, h + 1),
    )
    changes = {key: parse_value(value) for key, value in (s.split("=", 1) for s in args.set)}
    model = m3.global_lstm(args.seed, False).set_params(**seq_steps(changes))
    varied = {}
    for item in args.vary:
        key, values = item.split("=", 1)
        varied[key] = [parse_value(v) for v in values.split(",")]
        if len(varied[key]) != args.seeds:
            parser.error(f"--vary gives {len(varied[key])} values for {args.seeds} seeds")
    if args.seeds > 1:
        model = average_seeds(model, args.seeds, random_state=args.seed)
        for key, values in varied.items():
            for (_, member), value in zip(model.estimators, values):
                member.set_params(**seq_steps({key: value}))
    fit_params = {}
    if args.half_life is not None:
        months = X.index.get_level_values("month")
        age = np.asarray((months.max() - months).map(lambda offset: offset.n), float) / 12
        fit_params["sample_weight"] = 0.5 ** (age / args.half_life)
    started = time.perf_counter()
    found = GridSearchCV(
        model,
        {},
        cv=PanelSplit(n_splits=2, test_size=12, gap=h - 1),
        scoring=sample_smape(ids),
        refit=False,
    ).fit(X, Y, **fit_params)
    result = {
        "candidate": changes,
        "half_life": args.half_life,
        "seeds": args.seeds,
        "vary": varied or None,
        "series": len(ids),
        "trained on": len(trained_on),
        "fold sMAPE": [round(-found.cv_results_[f"split{i}_test_score"][0], 3) for i in range(2)],
        "validation sMAPE": round(-found.cv_results_["mean_test_score"][0], 3),
        "wall s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
