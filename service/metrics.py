"""The service's metrics in Prometheus' text format: counters, gauges and histograms with their `_bucket`, `_sum`
and `_count` lines. Plain Python; the `Metrics` deployment (`service.deployments`) holds one `Registry`.

Labels are small closed sets (route, status code, deployment): never a key, an address or a text.
"""

from __future__ import annotations

import math
from collections import defaultdict

BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets, self.counts, self.sum, self.count = buckets, [0] * len(buckets), 0.0, 0

    def observe(self, value: float) -> None:
        self.sum += value
        self.count += 1
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[index] += 1

    def lines(self, name: str, labels: str) -> list[str]:
        comma = f"{labels}," if labels else ""
        found = [f'{name}_bucket{{{comma}le="{_number(bound)}"}} {count}' for bound, count in
                 zip(self.buckets, self.counts)]
        found.append(f'{name}_bucket{{{comma}le="+Inf"}} {self.count}')
        braces = f"{{{labels}}}" if labels else ""
        return [*found, f"{name}_sum{braces} {_number(self.sum)}", f"{name}_count{braces} {self.count}"]


class Registry:
    """Requests by route and status, their latencies, first-snapshot latencies, and per model deployment the
    size of each batch (items and distinct callers)."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.latency: dict[str, Histogram] = defaultdict(lambda: Histogram(LATENCY_BUCKETS))
        self.first: Histogram = Histogram(LATENCY_BUCKETS)
        self.batches: dict[str, Histogram] = defaultdict(lambda: Histogram(BATCH_BUCKETS))
        self.callers: dict[str, Histogram] = defaultdict(lambda: Histogram(BATCH_BUCKETS))

    def request(self, route: str, status: int, seconds: float) -> None:
        self.requests[(route, status)] += 1
        self.latency[route].observe(seconds)

    def first_snapshot(self, seconds: float) -> None:
        self.first.observe(seconds)

    def batch(self, deployment: str, size: int, callers: int) -> None:
        self.batches[deployment].observe(size)
        self.callers[deployment].observe(callers)

    def render(self, queues: dict[str, int], cancelled: int) -> str:
        """The text `/metrics` answers; `queues` are the calls waiting on each deployment now, `cancelled` the
        analyses the ingress stopped early (counted there: a call made by a cancelled request is cancelled too)."""
        lines = ["# HELP khulasa_requests_total Requests answered, by route and HTTP status.",
                 "# TYPE khulasa_requests_total counter"]
        lines += [f'khulasa_requests_total{{route="{route}",status="{status}"}} {count}'
                  for (route, status), count in sorted(self.requests.items())]
        lines += ["# HELP khulasa_cancelled_total Analyses stopped early (caller gone, timeout, failure).",
                  "# TYPE khulasa_cancelled_total counter", f"khulasa_cancelled_total {cancelled}"]
        lines += ["# HELP khulasa_request_seconds Time to answer a request, by route.",
                  "# TYPE khulasa_request_seconds histogram"]
        for route, histogram in sorted(self.latency.items()):
            lines += histogram.lines("khulasa_request_seconds", f'route="{route}"')
        lines += ["# HELP khulasa_first_snapshot_seconds Time to the first NDJSON snapshot of a streamed analysis.",
                  "# TYPE khulasa_first_snapshot_seconds histogram", *self.first.lines(
                      "khulasa_first_snapshot_seconds", "")]
        lines += ["# HELP khulasa_queue_length Calls sent to a deployment and not yet answered.",
                  "# TYPE khulasa_queue_length gauge"]
        lines += [f'khulasa_queue_length{{deployment="{name}"}} {count}' for name, count in sorted(queues.items())]
        for deployment, histogram in sorted(self.batches.items()):
            name = f"khulasa_{deployment}_batch_size"
            lines += [f"# HELP {name} Items (sentences, texts, articles) per batch the {deployment} ran.",
                      f"# TYPE {name} histogram", *histogram.lines(name, "")]
            name = f"khulasa_{deployment}_batch_callers"
            lines += [f"# HELP {name} Distinct requests per batch the {deployment} ran.",
                      f"# TYPE {name} histogram", *self.callers[deployment].lines(name, "")]
        return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if math.isfinite(value) and value == int(value) else repr(value)
