"""Time and memory load_model needs to refuse crafted files, against a normal load.

Each crafted file (from the hardening issue: zip bombs in each member, a
small file declaring a huge network, HDF5 arrays declared huge, deep or huge
JSON numbers; and for a saved Pipeline: bombs in its skops part and in a
regressor's member, a .npy array declared huge, a deep skops schema, a
tampered network; and from the second hardening issue: skops node ids reused
so that the audit would double per level, one array member named by 1500
nodes, an LSTMRegressor spelled ``sklstm.LSTMRegressor`` and trusted, a
metric function as a type to call, a zip directory of 40,000 entries behind
an end record claiming 2) is loaded once in this process after a normal file; the table
gives the seconds to refuse it as a ratio to one normal load, and how far the
process's peak RSS rose above the peak of the normal load. Run::

    python benchmarks/hostile_files.py            # 1 GiB bombs
    python benchmarks/hostile_files.py --quick    # 64 MiB bombs

Goal (hardening issue): every crafted file refused in < 2 s and < 100 MiB
over a normal load.
"""

import argparse
import io
import json
import os
import resource
import struct
import sys
import tempfile
import time
import zipfile

import numpy as np


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def as_zip(members, padding=None, compression=zipfile.ZIP_DEFLATED):
    """A deflated zip of ``members``; ``padding=(name, byte, size)`` appends
    ``size`` copies of ``byte`` to that member, written in chunks so that the
    bomb is never in memory whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression, compresslevel=1) as archive:
        for name, data in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(data.encode() if isinstance(data, str) else data)
                if padding is not None and padding[0] == name:
                    chunk = padding[1] * 2**20
                    for _ in range(padding[2] // 2**20):
                        member.write(chunk)
    return out.getvalue()


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def crafted_files(valid, bomb):
    outer = members(valid)
    inner = members(outer["model.keras"])
    document = json.loads(outer["estimator.json"])

    def with_document(change):
        changed = json.loads(json.dumps(document))
        change(changed)
        return as_zip({**outer, "estimator.json": json.dumps(changed)})

    def with_inner(name, data=None, padding=None):
        return as_zip(
            {**outer, "model.keras": as_zip({**inner, name: data or inner[name]}, padding)}
        )

    config = json.loads(inner["config.json"])
    lstm = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "LSTM")
    lstm["config"]["units"] = 4096

    import h5py

    buffer = io.BytesIO(inner["model.weights.h5"])
    with h5py.File(buffer, "a") as file:
        del file["layers/dense/vars/0"]
        file.create_dataset("layers/dense/vars/0", shape=(2**28,), dtype="float32", chunks=(2**16,))
    yield "bomb in estimator.json", as_zip(outer, ("estimator.json", b" ", bomb))
    yield "bomb in model.keras", as_zip(outer, ("model.keras", b"\0", bomb))
    yield "bomb in config.json", with_inner("config.json", padding=("config.json", b" ", bomb))
    yield (
        "bomb in weights",
        with_inner("model.weights.h5", padding=("model.weights.h5", b"\0", bomb)),
    )
    yield "params units=4096", with_document(lambda d: d["params"].__setitem__("units", 4096))
    yield "config units=4096", with_inner("config.json", json.dumps(config).encode())
    yield "HDF5 array of 2**28", with_inner("model.weights.h5", buffer.getvalue())
    nested = outer["estimator.json"].replace(
        b'"extra": {', b'"extra": {"a_": ' + b"[" * 10**5 + b"]" * 10**5 + b","
    )
    yield "nesting 10**5 deep", as_zip({**outer, "estimator.json": nested})
    yield "zip of 40,000 entries", many_entries(40_000)
    yield (
        "400-digit integer",
        with_document(lambda d: d["fitted"]["history_"].__setitem__("loss", [10**400])),
    )


def many_entries(count):
    """A zip whose central directory holds ``count`` entries, its end record claiming 2."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(count):
            archive.writestr(f"{index}", b"")
    data = bytearray(buffer.getvalue())
    data[-14:-10] = struct.pack("<2H", 2, 2)
    return bytes(data)


def node(cls, module, loader, node_id, **fields):
    return {
        "__class__": cls,
        "__module__": module,
        "__loader__": loader,
        **fields,
        "__id__": node_id,
    }


def skops_only(schema, **extra):
    """A composite file of no regressors whose skops part is ``schema``."""
    document = {"format": "sklstm.Estimator", "format_version": 1, "regressors": 0}
    return as_zip(
        {
            "format.json": json.dumps(document),
            "estimator.skops": as_zip(
                {"schema.json": json.dumps({**schema, "protocol": 2}), **extra}
            ),
        }
    )


def crafted_schemas(pipeline):
    """Crafted skops parts (issue 22): ``(name, file, trusted)``."""
    level = node("int", "builtins", "JsonNode", 1, content="1", is_json=True)
    for depth in range(2, 42):  # each list: the previous one, and a stand-in with its id
        stand_in = node("list", "builtins", "ListNode", depth - 1, content=[])
        level = node("list", "builtins", "ListNode", depth, content=[level, stand_in])
    yield "ids reused 40 deep", skops_only(level), None
    array = io.BytesIO()
    np.save(array, np.zeros(2**17 - 32))  # just under 1 MiB
    nodes = [
        node("ndarray", "numpy", "NdArrayNode", 10 + i, type="numpy", file="a.npy")
        for i in range(1500)
    ]
    yield (
        "1 MiB .npy named 1500x",
        skops_only(
            node("list", "builtins", "ListNode", 1, content=nodes), **{"a.npy": array.getvalue()}
        ),
        None,
    )
    import skops.io

    data = members(skops.io.dumps(pipeline))
    schema = (
        data["schema.json"]
        .decode()
        .replace('"__module__": "sklstm._neural._regressor"', '"__module__": "sklstm"')
    )
    document = {"format": "sklstm.Estimator", "format_version": 1, "regressors": 0}
    aliased = as_zip({**data, "schema.json": schema})
    yield (
        "sklstm.LSTMRegressor",
        as_zip({"format.json": json.dumps(document), "estimator.skops": aliased}),
        ["sklstm.LSTMRegressor"],
    )
    numbers = [
        node("float", "builtins", "JsonNode", 20 + i, content=str(v), is_json=True)
        for i, v in enumerate([0.0, 5.0])
    ]
    pair = [node("list", "builtins", "ListNode", 30 + i, content=[numbers[i]]) for i in (0, 1)]
    call = node(
        "mean_squared_error",
        "sklearn.metrics._regression",
        "ConstructorFromReduceNode",
        1,
        content=node("tuple", "builtins", "TupleNode", 2, content=pair),
    )
    yield "metric called at load", skops_only(call), None


def crafted_pipeline_files(valid, bomb):
    """Crafted variants of a saved Pipeline (skops part, regressors/0.sklstm)."""
    outer = members(valid)
    skops_part = members(outer["estimator.skops"])
    regressor = members(outer["regressors/0.sklstm"])
    network = members(regressor["model.keras"])

    def with_skops(name, data=None, padding=None):
        return as_zip(
            {
                **outer,
                "estimator.skops": as_zip(
                    {**skops_part, name: skops_part[name] if data is None else data}, padding
                ),
            }
        )

    config = json.loads(network["config.json"])
    lstm = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "LSTM")
    lstm["config"]["units"] = 4096
    tampered = as_zip(
        {**regressor, "model.keras": as_zip({**network, "config.json": json.dumps(config)})}
    )
    array = next(name for name in skops_part if name.endswith(".npy"))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, np.lib.format.header_data_from_array_1_0(np.zeros(2**30))
    )
    yield "bomb in estimator.skops", as_zip(outer, ("estimator.skops", b"\0", bomb))
    yield "bomb in skops schema", with_skops("schema.json", padding=("schema.json", b" ", bomb))
    yield "bomb in regressors/0", as_zip(outer, ("regressors/0.sklstm", b"\0", bomb))
    yield ".npy declaring 2**30", with_skops(array, header.getvalue() + skops_part[array][-8:])
    yield "skops nested 10**5", with_skops("schema.json", b"[" * 10**5 + b"]" * 10**5)
    yield "tampered network", as_zip({**outer, "regressors/0.sklstm": tampered})

    def stored_schema(schema):  # stored, not deflated: no bomb, the largest schema read
        stored = zipfile.ZIP_STORED
        return as_zip(
            {
                **outer,
                "estimator.skops": as_zip(
                    {**skops_part, "schema.json": schema}, compression=stored
                ),
            },
            compression=stored,
        )

    # the most Python objects a schema within its 4 MiB cap can make
    empty = b"[" + b"{}," * (2**22 // 3 - 1) + b"{}]"
    yield "4 MiB schema of {}", stored_schema(empty)
    node = {
        "__class__": "int",
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": "1",
        "is_json": True,
        "__id__": 1,
    }
    schema = json.loads(skops_part["schema.json"])
    many = json.dumps(
        {
            **schema,
            "__class__": "list",
            "__module__": "builtins",
            "__loader__": "ListNode",
            "content": [node] * (2**14 - 8),
        }
    )
    yield "2**14 skops nodes", stored_schema(many.encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="64 MiB bombs instead of 1 GiB")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper, load_model, save_model

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(64, 4, 2))
    model = LSTMRegressor(units=32, max_iter=2, random_state=0).fit(X, X.sum(axis=(1, 2)))
    series = rng.uniform(size=(64, 2))
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("lags", LagFeaturizer(look_back=3)),
            ("seq", SequenceReshaper()),
            ("lstm", LSTMRegressor(units=32, max_iter=2, random_state=0)),
        ]
    )
    pipe.fit(series, series.sum(axis=1))
    bomb = 2**26 if args.quick else 2**30
    with tempfile.TemporaryDirectory() as folder:
        groups = []

        def schemas(valid, bomb):
            return crafted_schemas(pipe)

        for label, estimator, craft in [
            ("LSTMRegressor", model, crafted_files),
            ("Pipeline", pipe, crafted_pipeline_files),
            ("Pipeline (skops schema)", pipe, schemas),
        ]:
            path = os.path.join(folder, f"{len(groups)}.sklstm")
            save_model(estimator, path)
            with open(path, "rb") as file:
                valid = file.read()
            crafted = []  # written first: making the bombs must not raise the peaks measured
            for index, (name, data, *trusted) in enumerate(craft(valid, bomb)):
                crafted.append(
                    (
                        name,
                        os.path.join(folder, f"{len(groups)}-{index}.sklstm"),
                        len(data),
                        trusted[0] if trusted else None,
                    )
                )
                with open(crafted[-1][1], "wb") as file:
                    file.write(data)
                del data
            groups.append((label, path, crafted))
        normals = {}
        for label, path, _ in groups:
            load_model(path)  # warm: imports, first traces
            start = time.perf_counter()
            load_model(path)
            normals[label] = time.perf_counter() - start
        normal_peak = peak_rss_mib()
        for label, seconds in normals.items():
            print(f"normal load of a saved {label}: {seconds:.3f} s")
        print(f"peak RSS after the normal loads: {normal_peak:.0f} MiB")
        print(
            f"{'crafted file':<24}{'size KiB':>10}{'refused in':>12}"
            f"{'x normal':>10}{'RSS over':>10}"
        )
        for label, _, crafted in groups:
            print(f"-- {label} files (x normal: against its normal load)")
            for name, crafted_path, size, trusted in crafted:
                start = time.perf_counter()
                try:
                    load_model(crafted_path, trusted=trusted)
                    outcome = "LOADED"
                except ValueError:
                    outcome = "refused"
                seconds = time.perf_counter() - start
                over = peak_rss_mib() - normal_peak
                normal = normals[label]
                print(
                    f"{name:<24}{size / 1024:>10.0f}{seconds:>11.3f}s"
                    f"{seconds / normal:>10.1f}{over:>9.0f}M  {outcome}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
