"""Forecast accuracy on the airline series: the tuned LSTM against the classics.

Runs ``examples/airline_forecast.py`` (tuning on the first 96 months only,
one-step-ahead forecasts of the last 48) with statsmodels required, so the
SARIMA row is always there, and records the environment and the wall time.
Run::

    pip install -e ".[benchmark]"
    python benchmarks/airline_accuracy.py               # 3 seeds, a few minutes on 2 cores
    python benchmarks/airline_accuracy.py --quick       # smoke run
    python benchmarks/airline_accuracy.py --json out.json

docs/forecasting.md quotes one run.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import load_example  # noqa: E402


def environment():
    import keras
    import sklearn
    import statsmodels
    import tensorflow

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "scikit-learn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, for CI")
    parser.add_argument("--seeds", type=int, default=None, help="LSTM seeds (default 3)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results")
    args = parser.parse_args(argv)
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        sys.exit(
            "The accuracy benchmark compares with SARIMA from statsmodels: "
            'pip install -e ".[benchmark]"'
        )

    example = load_example("airline_forecast")
    n_seeds = args.seeds if args.seeds is not None else (1 if args.quick else 3)
    start = time.perf_counter()
    results = example.run(seeds=range(n_seeds), quick=args.quick, n_jobs=1)
    results["wall_s"] = time.perf_counter() - start
    results["environment"] = environment()
    results["command"] = " ".join(["python", *sys.argv])

    print("Environment:", ", ".join(f"{k} {v}" for k, v in results["environment"].items()))
    example.print_table(results)
    print(f"Wall time: {results['wall_s']:.1f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
