#!/usr/bin/env bash
# Log ingest benchmark: records/s from a Python process (pyapp_runtime.logship) through
# the unix socket and the collector into the log store, against raw insertMany of the
# same documents into the same database, in one run: BENCH_ROUNDS rotated rounds
# (default 5), the median round counts. Writes bench/results/logs.json and prints a
# table. BENCH_RECORDS sets the number of records per round (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_RECORDS="${BENCH_RECORDS:-100000}"
export BENCH_ROUNDS="${BENCH_ROUNDS:-5}"
./mvnw -q -B -ntp test -DskipITs -Dspring-javaformat.skip=true \
	-Dtest=LogIngestBenchmark -Dsurefire.failIfNoSpecifiedTests=false
/usr/bin/python3 - <<'PY'
import json
r = json.load(open("bench/results/logs.json"))
rows = [
    ("records", r["records"], ""),
    ("store", r["store"], ""),
    ("python logging alone", f'{r["python_logging_records_per_s"]:,} rec/s', f'{r["python_logging_seconds"]} s'),
    ("end-to-end (python -> store)", f'{r["end_to_end_records_per_s"]:,} rec/s', f'{r["end_to_end_seconds"]} s'),
    ("raw insertMany (same docs)", f'{r["raw_insert_many_records_per_s"]:,} rec/s', f'{r["raw_insert_many_seconds"]} s'),
    ("rounds (median counts)", r["rounds"], ""),
    ("ratio end-to-end / raw", r["ratio_end_to_end_vs_raw"], "target >= 0.8 (median)"),
    ("ratios by round", ", ".join(str(x) for x in r["ratios_by_round"]), ""),
    ("load average", r["load_average"], ""),
    ("dropped", r["dropped"], ""),
]
for name, value, note in rows:
    print(f"{name:<32} {str(value):>18}  {note}")
PY
