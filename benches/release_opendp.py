#!/usr/bin/env python3
"""The comparator a researcher would otherwise write: the same measurements
as safecount's release benchmark, scripted with OpenDP's Python polars API.

It reads the prepared frames `cargo bench --bench release` exports (set
SAFECOUNT_BENCH_EXPORT=DIR): one Parquet file per measurement holding the
privacy unit, the dimension columns and, for sums, the value; and
manifest.json with each measurement's public keys, statistic and bounds.
Same budget as the Rust benchmark: rho = 0.01 per table, split evenly over
its measurements; zCDP; one row per unit (truncation on the identifier).

    python3 -m venv /tmp/venv-opendp && /tmp/venv-opendp/bin/pip install "opendp[polars]==0.16.0"
    SAFECOUNT_BENCH_EXPORT=/tmp/safecount-export cargo bench --bench release
    /tmp/venv-opendp/bin/python benches/release_opendp.py /tmp/safecount-export

Prints the median of 3 runs. Figures go in BENCHMARKS.md.
"""
import importlib.metadata
import json
import statistics
import sys
import time
from pathlib import Path

import opendp.prelude as dp
import polars as pl

dp.enable_features("contrib")


def measure(path: Path, m: dict, rho: float) -> pl.DataFrame:
    lf = pl.scan_parquet(path)
    dims = [d["name"] for d in m["dims"]]
    # The public key set: every combination of the dimensions' codes.
    keys = None
    for d in m["dims"]:
        codes = pl.DataFrame({d["name"]: d["keys"]}, schema={d["name"]: pl.String})
        keys = codes if keys is None else keys.join(codes, how="cross")
    rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    context = dp.Context.compositor(
        data=lf,
        privacy_unit=dp.unit_of(contributions=1, identifier=pl.col("__unit")),
        privacy_loss=dp.loss_of(rho=rho),
        split_evenly_over=1,
        margins=[dp.polars.Margin(by=[], max_length=rows)],
    )
    stat = m["statistic"]
    if stat["kind"] == "count":
        query = (
            context.query()
            .group_by("__unit")
            .agg([pl.col(d).first() for d in dims])
            .group_by(dims)
            .agg(dp.len())
        )
    else:
        query = (
            context.query()
            .filter(pl.int_range(pl.len()).over("__unit") < 1)
            .group_by(dims)
            .agg(pl.col("__value").fill_null(0).dp.sum((stat["lower"], stat["upper"])))
        )
    return query.with_keys(keys.lazy()).release().collect()


def main() -> None:
    export = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/safecount-export")
    manifest = json.loads((export / "manifest.json").read_text())
    runs = []
    for run in range(3):
        t = time.perf_counter()
        for m in manifest:
            measure(export / m["file"], m, 0.01 / m["parts_in_table"])
        runs.append(time.perf_counter() - t)
        print(f"run {run + 1}: OpenDP-Python {runs[-1]:.2f} s over {len(manifest)} measurements", file=sys.stderr)
    print(f"release (OpenDP Python {importlib.metadata.version('opendp')}, polars {pl.__version__}): median {statistics.median(runs):.2f} s over {len(manifest)} measurements")


if __name__ == "__main__":
    main()
