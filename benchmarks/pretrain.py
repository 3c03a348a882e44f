"""Pretrain the network that ``sklstm.load_pretrained("m3-monthly")`` ships.

The pretraining recipe (``sklstm._persistence._pretrained.pretraining_forecaster``)
fitted on the training parts of the 1045 M3 monthly series with at least 81
training months (``benchmarks/m3.py``'s panel: each series moved by whole
years to end in 2000), 18 outputs; no test month is read. The network is
written with ``save_model``. Run::

    python benchmarks/pretrain.py --data PATH/m3_monthly.csv
    # writes sklstm/_persistence/pretrained/m3-monthly.sklstm

It prints the fit's settings, epochs, wall time and the file's SHA-256.
"""

import argparse
import hashlib
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: import the benchmarks as a package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import m3  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "sklstm" / "_persistence" / "pretrained"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=m3.DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0, help="the network's seed")
    parser.add_argument("--out", type=Path, default=OUT / "m3-monthly.sklstm")
    args = parser.parse_args(argv)

    from sklstm import save_model
    from sklstm.datasets import load_m3_monthly

    data = load_m3_monthly(args.data.resolve())
    ids = m3.select(data, None, args.seed)
    started = time.perf_counter()
    network = m3.pretrain(data, ids, args.seed)
    wall = time.perf_counter() - started
    save_model(network, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(
        f"{len(ids)} series; units_={network.units_}, n_iter_={network.n_iter_}, "
        f"best validation score {network.best_validation_score_:.5f}; {wall:.0f} s; "
        f"{args.out.name}: {args.out.stat().st_size} bytes, sha256 {digest}"
    )


if __name__ == "__main__":
    main()
