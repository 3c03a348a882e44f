"""Fit time of cell="gru" against cell="lstm" (the baseline), in one run.

512 sequences of one feature, ``units=32, max_iter=20, batch_size=32``, for a
short sequence (unrolled on a CPU) and a longer one (a loop). Each cell is
fitted once first (tracing its training loop), then the two are fitted in
turn; the figure is the median of the repeats and the ratio GRU / LSTM. Run::

    python benchmarks/cells.py               # 12 and 32 steps, 5 repeats
    python benchmarks/cells.py --steps 8 --repeat 3
"""

import argparse
import statistics
import time

import numpy as np

from sklstm import LSTMRegressor


def fit_seconds(cell, X, y):
    model = LSTMRegressor(units=32, cell=cell, max_iter=20, batch_size=32, random_state=0)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[12, 32])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.RandomState(0)
    for n_steps in args.steps:
        X = rng.normal(size=(512, n_steps, 1))
        y = X[:, -1, 0] + 0.1 * rng.normal(size=512)
        for cell in ("lstm", "gru"):
            fit_seconds(cell, X, y)  # trace once
        times = {"lstm": [], "gru": []}
        for _ in range(args.repeat):
            for cell in times:
                times[cell].append(fit_seconds(cell, X, y))
        lstm, gru = (statistics.median(times[cell]) for cell in ("lstm", "gru"))
        print(f"{n_steps} steps: lstm {lstm:.2f} s, gru {gru:.2f} s, gru/lstm {gru / lstm:.2f}")


if __name__ == "__main__":
    main()
