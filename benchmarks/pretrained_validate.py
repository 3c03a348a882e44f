"""How to fine-tune a pretrained network on one series, chosen on M3 training parts only.

The 1045 M3 monthly series with at least 81 training months are split into
two halves (``benchmarks.m3.halves``, seeded). For each half, a network is
pretrained (``benchmarks.m3.pretrain``: the recipe of
``load_pretrained``) on the *other* half's training parts, so it never saw
the series it is validated on. Each series of the half is then forecast as
a one-series user would: the pretrained forecaster fitted on its training
part without the last 18 months, which are the validation months (18 steps
ahead, sMAPE). No test month is read. Candidates are ``K:RATE``: ``K``
epochs of fine-tuning at learning rate ``RATE`` (``0:0`` is zero-shot), each
in batches of 16 with nothing held out, as ``load_pretrained`` does. Run::

    python benchmarks/pretrained_validate.py --data PATH/m3_monthly.csv
    python benchmarks/pretrained_validate.py --candidates 0:0 3:0.0003 --series 100

prints the validation sMAPE of every candidate on each half and their mean.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import m3  # noqa: E402

DEFAULT_CANDIDATES = [
    "0:0",
    "1:0.0003",
    "2:0.0003",
    "3:0.0003",
    "5:0.0003",
    "8:0.0003",
    "1:0.001",
    "6:0.0001",
]


def candidate(text):
    epochs, rate = text.split(":")
    return int(epochs), float(rate)


def validation_smape(network, data, ids, epochs, rate, seed):
    """Mean sMAPE over ``ids`` of the last 18 training months, forecast from before them."""
    from sklstm import direct_forecast, to_supervised
    from sklstm._persistence._pretrained import pretrained_forecaster

    scores = []
    for key in ids:
        train = data.train[key].iloc[: -m3.HORIZON]
        valid = data.train[key].iloc[-m3.HORIZON :]
        model = pretrained_forecaster(network, m3.SEASON, max_iter=epochs, random_state=seed)
        if epochs:
            model.set_params(regressor__lstm__learning_rate_init=rate)
        model.fit(*to_supervised(train, horizon=range(1, m3.HORIZON + 1)))
        scores.append(m3.smape(valid, direct_forecast(model, train)))
    return float(np.mean(scores))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=m3.DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0, help="halves, networks, fine-tuning")
    parser.add_argument("--series", type=int, default=None, help="per half, a seeded sample")
    parser.add_argument("--candidates", nargs="+", default=DEFAULT_CANDIDATES, metavar="K:RATE")
    args = parser.parse_args(argv)
    candidates = [candidate(text) for text in args.candidates]

    from sklstm.datasets import load_m3_monthly

    data = load_m3_monthly(args.data.resolve())
    first, second = m3.halves(m3.select(data, None, args.seed), args.seed)
    scores = {text: [] for text in args.candidates}
    started = time.perf_counter()
    for pretrain_on, validate_on in ((second, first), (first, second)):
        network = m3.pretrain(data, pretrain_on, args.seed)
        if args.series is not None and args.series < len(validate_on):
            rng = np.random.RandomState(args.seed)
            picked = set(rng.choice(validate_on, args.series, replace=False))
            validate_on = [key for key in validate_on if key in picked]
        for text, (epochs, rate) in zip(args.candidates, candidates):
            score = validation_smape(network, data, validate_on, epochs, rate, args.seed)
            scores[text].append(round(score, 3))
            print(f"  {text}: {score:.3f} on {len(validate_on)} series", file=sys.stderr)
    result = {
        "candidates (epochs:rate)": {
            text: {"halves": halves, "mean": round(float(np.mean(halves)), 3)}
            for text, halves in scores.items()
        },
        "wall s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
