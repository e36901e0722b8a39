"""The Python side of the multiprocess scrape benchmark: 64 worker files of 10 000
counter series each, written by prometheus_client's own multiprocess values, then
MultiProcessCollector + generate_latest timed as a scrape of a gunicorn worker does it
(a fresh registry per scrape). Prints one JSON line. Run by `cargo bench -p
metricsmith-benches`; the same shape as `src/bin/multiprocess_scrape.rs`."""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time

PROCESSES = 64
REGIONS = 100
TENANTS = 100
SCRAPES = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def main():
    directory = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    from prometheus_client import CollectorRegistry, Counter, generate_latest, multiprocess, values

    # What worker 0 writes to its file, by prometheus_client's own multiprocess values;
    # the 63 other workers' files are copies (writing each the same way takes 30 s, and
    # the scrape reads them alike whatever their values).
    values.ValueClass = values.MultiProcessValue(process_identifier=lambda: 0)
    counter = Counter("bench_mp", "10 000 series, as the Rust side's.", ["region", "tenant"], registry=None)
    for region in range(REGIONS):
        for tenant in range(TENANTS):
            counter.labels(f"r{region}", f"t{tenant}").inc()
    first = os.path.join(directory, "counter_0.db")
    for worker in range(1, PROCESSES):
        shutil.copyfile(first, os.path.join(directory, f"counter_{worker}.db"))
    file_bytes = os.path.getsize(first)
    times = []
    output = b""
    for _ in range(SCRAPES):
        start = time.perf_counter()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        output = generate_latest(registry)
        times.append(time.perf_counter() - start)
    expected = f" {float(PROCESSES)}".encode()
    merged = sum(1 for line in output.splitlines() if line.startswith(b"bench_mp_total{") and line.endswith(expected))
    shutil.rmtree(directory, ignore_errors=True)
    print(json.dumps({
        "processes": PROCESSES,
        "series": REGIONS * TENANTS,
        "merged_series": merged,
        "median_seconds": statistics.median(times),
        "fastest_seconds": min(times),
        "file_bytes": file_bytes,
        "output_bytes": len(output),
    }))


if __name__ == "__main__":
    main()
