"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<52} {time.perf_counter() - start:8.2f} s")
    return result


def latency(client, label: str, urls: list[str], rounds: int = 3) -> None:
    samples = []
    for _ in range(rounds):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(f"{label:<52} p50 {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms   (n={len(samples)})")
