"""
Measure the site as gunicorn serves it: the throughput and latency of its pages beside a trivial
view of the same server (/robots.txt), and the queries that build each page, at several numbers
of networks, with the page cache on and off.

bench/run installs wrk and the virtualenv, then runs this module; bench/README.md says what the
figures mean.
"""

import math
import statistics
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import cold
from bench.common import (
    PERCENTILES,
    PROXY_HEADERS,
    Report,
    Server,
    arguments,
    log,
    populate,
    run,
    set_up,
    sizes_argument,
    wrk,
)

DATABASE = "bench"
# Database 14: bench/faults uses 13, the tests empty 15, development uses 0.
REDIS_URL = "redis://127.0.0.1:6379/14"

TRIVIAL = ("trivial", "/robots.txt")
PUBLIC_PAGES = [
    ("list", "/it/reti/"),
    # A demo theme and a synthetic one, so that the page lists networks at every size.
    ("filtered list", "/it/reti/?theme=clima-ed-energia&theme=synthetic-clima&q=citta"),
    ("detail", "/it/reti/eurodesk/"),
    ("sitemap index", "/sitemap.xml"),
    # The first page of the networks' section: a thousand addresses once there are 500 networks.
    ("sitemap page", "/sitemap-networks.xml"),
    ("CSV export", "/opendata/networks.csv"),
]
# A page is loaded in slices of a second, each after a slice of the trivial view, so that both
# see the same machine: these machines are shared, and their speed changes from one minute to
# the next. A slow page gets longer slices, so that each connection sees a few responses.
SLICE_SECONDS = 1
MAX_SLICE_SECONDS = 60
RESPONSES_PER_CONNECTION = 5

# The targets of the issue that asked for this benchmark.
CACHED_RATIO_TARGET = 0.8
# From this size on, the run also loads the site with every request a new address (bench/cold).
MISSES_SIZE = 10_000
CACHED_RATIO_PAGES = ["list", "detail"]
UNCACHED_P95_TARGET_MS = 100
UNCACHED_P95_PAGE = "list"


def pages():
    """Return the (name, address) of each page measured, the trivial view first."""
    admin = ("admin changelist", reverse("admin:networks_network_changelist"))
    return [TRIVIAL, *PUBLIC_PAGES, admin]


def is_admin(address):
    return address.startswith(reverse("admin:index"))


def main():
    options = parse_arguments()
    # This process counts the queries that build each page, so it never answers from the cache;
    # the servers get production's setting.
    environment = set_up(
        options.workdir,
        database=DATABASE,
        redis=REDIS_URL,
        sqlite=options.sqlite,
        DJANGO_PAGE_CACHE_SECONDS="0",
    )
    report = Report("Benchmark results", options.command, workers=options.workers)
    rows, notes, misses = [], [], []
    admin = admin_client()
    for size in options.sizes:
        log(f"--- {size:,} networks")
        populate(size)
        queries = count_queries(admin)
        for cached in (True, False):
            if cached:
                cache.clear()  # start cold, without the pages of the previous size
            page_cache = {} if cached else {"DJANGO_PAGE_CACHE_SECONDS": "0"}
            with Server({**environment, **page_cache}, options) as server:
                session_rows, note = measure_session(server, admin, options, size, cached)
            for row in session_rows:
                row.queries = queries[row.address]
            rows += session_rows
            notes.append(note)
        if size >= MISSES_SIZE:
            # Beside the cached figures: the same pages, every request one never asked for.
            misses.append(
                SimpleNamespace(networks=size, misses=cold.load_new_addresses(environment, options))
            )

    table = markdown_table(rows)
    print(table)
    load_line = (
        f"- Load: wrk on the loopback, {options.connections} connections, {options.seconds} s "
        f"per page in slices of {SLICE_SECONDS} s (longer for slow pages) after a warm-up, "
        f"each slice after {SLICE_SECONDS} s of /robots.txt"
    )
    report.write(
        options.output,
        table,
        LEGEND,
        "## Targets\n\n" + "\n".join(targets(rows, options.sizes) + misses_targets(misses)),
        *(
            [
                "## Under load, every request a new address (bench/cold)\n\n"
                + cold.misses_table(misses),
                cold.MISSES_LEGEND,
            ]
            if misses
            else []
        ),
        "## The trivial view's slices, slowest and fastest, on each server\n\n" + "\n".join(notes),
        details=[load_line],
    )


def parse_arguments():
    parser = arguments(
        __doc__.split("\n\n")[0], connections=8, output="results.md", command="bench/run"
    )
    sizes_argument(parser, [15, 1000, 10000])
    parser.add_argument(
        "--seconds", type=int, default=5, help="of load per page, and as much on the trivial view"
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite in the work folder")
    return parser.parse_args()


# The data


def admin_client():
    """Return a test client logged in as a superuser made for the benchmark."""
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(headers={"Host": "127.0.0.1", **PROXY_HEADERS})
    client.force_login(user)
    return client


def count_queries(admin):
    """
    Return {address: queries} to build each page, without the server and without the cache.

    Each page is asked for twice and the second time counted, as a warm worker builds it.
    """
    anonymous = Client(headers={"Host": "127.0.0.1", **PROXY_HEADERS})
    counts = {}
    for _name, address in pages():
        client = admin if is_admin(address) else anonymous
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        if response.status_code != 200:
            raise SystemExit(f"{address}: HTTP {response.status_code}, expected 200")
        counts[address] = len(queries)
    return counts


# The load


def time_ms(server, address, headers):
    """Return how long a response to `address` takes; stop the benchmark if it is not 200."""
    response = server.request(address, headers)
    if response.status != 200:
        raise SystemExit(f"{address}: HTTP {response.status}, expected 200 (see {server.log})")
    return response.seconds * 1000


def alone_ms(server, address, headers):
    """Return the median time of three responses while the server has nothing else to do."""
    return statistics.median(time_ms(server, address, headers) for _attempt in range(3))


def cold_ms(server, address, headers):
    """
    Return the median time of three responses, each after the cache is emptied: the page, and
    the cards and counts it is made of, built from the database alone.
    """
    times = []
    for _attempt in range(3):
        cache.clear()  # the servers' cache too: they share REDIS_URL
        times.append(time_ms(server, address, headers))
    return statistics.median(times)


def load(server, address, headers, seconds, connections):
    """Load `address` with wrk; return the Load once the workers are idle again."""
    figures = wrk(
        server, address, seconds=seconds, connections=connections, timeout=60, headers=headers
    )
    server.wait_until_idle()
    return figures


@dataclass
class Result:
    """The runs of one address on one server, taken as one."""

    runs: list
    alone_ms: float = 0
    cold_ms: float = math.nan

    @property
    def requests(self):
        return sum(run.requests for run in self.runs)

    @property
    def errors(self):
        return sum(sum(run.errors.values()) for run in self.runs)

    @property
    def throughput(self):
        return self.requests / sum(run.seconds for run in self.runs)

    def percentile(self, p):
        runs = [run for run in self.runs if run.requests]
        if not runs:
            return math.nan
        if len(runs) == 1:
            return runs[0].percentiles[p]
        if not all(run.quantiles for run in runs):
            # Some run spread over seconds (see wrk.lua): the worst of the runs, to be safe.
            return max(run.percentiles[p] for run in runs)
        # Each half percent of a run stands for its share of that run's responses.
        weighted = sorted(
            (value, run.requests / len(run.quantiles)) for run in runs for value in run.quantiles
        )
        wanted = self.requests * p / 100
        seen = 0
        for value, weight in weighted:
            seen += weight
            if seen >= wanted - 1e-9:
                return value
        return weighted[-1][0]


def measure_page(server, address, headers, options):
    """Load `address` in slices, each after a slice of the trivial view; return both Results."""
    time_ms(server, address, headers)  # fills the cache, if it is on
    # Slices long enough for each connection to get a few responses, the queue counted.
    wanted = time_ms(server, address, headers) / 1000 * options.connections / options.workers
    page_slice = math.ceil(RESPONSES_PER_CONNECTION * wanted)
    page_slice = min(max(SLICE_SECONDS, page_slice), MAX_SLICE_SECONDS)
    if page_slice == SLICE_SECONDS:
        load(server, address, headers, SLICE_SECONDS, options.connections)  # every worker warm
    page, trivial = Result([]), Result([])
    for _round in range(max(1, round(options.seconds / page_slice))):
        trivial.runs.append(
            load(server, TRIVIAL[1], PROXY_HEADERS, SLICE_SECONDS, options.connections)
        )
        page.runs.append(load(server, address, headers, page_slice, options.connections))
    page.alone_ms = alone_ms(server, address, headers)
    page.cold_ms = cold_ms(server, address, headers)
    return page, trivial


@dataclass
class Row:
    size: int
    page: str
    address: str
    cached: bool
    result: Result
    ratio: float
    queries: int = 0


def measure_session(server, admin, options, size, cached):
    """Measure every page on one server; return their rows and a note on the trivial view."""
    mode = "cached" if cached else "uncached"
    session = admin.cookies[settings.SESSION_COOKIE_NAME].value
    admin_headers = {**PROXY_HEADERS, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    # Every worker warm (modules, database connection) before anything is measured.
    load(server, TRIVIAL[1], PROXY_HEADERS, SLICE_SECONDS, options.connections)
    trivial_all = Result([], alone_ms(server, TRIVIAL[1], PROXY_HEADERS))
    rows = []
    for name, address in pages()[1:]:
        headers = admin_headers if is_admin(address) else PROXY_HEADERS
        page, trivial = measure_page(server, address, headers, options)
        trivial_all.runs += trivial.runs
        ratio = page.throughput / trivial.throughput
        rows.append(Row(size, name, address, cached, page, ratio))
        log(
            f"{size:>6,} {mode:<8} {name:<17} {page.throughput:8.1f} req/s {ratio:5.2f}  "
            f"p95 {page.percentile(95):8.1f} ms  alone {page.alone_ms:7.1f} ms  "
            f"cold {page.cold_ms:7.1f} ms  "
            f"({page.requests} responses, {page.errors} errors)"
        )
    rows.insert(0, Row(size, TRIVIAL[0], TRIVIAL[1], cached, trivial_all, 1.0))
    speeds = [run.requests / run.seconds for run in trivial_all.runs]
    note = f"- {size:,} networks, {mode}: {min(speeds):,.0f} to {max(speeds):,.0f} req/s"
    return rows, note


# The report


def markdown_table(rows):
    lines = [
        "| networks | page | cache | req/s | × /robots.txt | p50 ms | p95 ms | p99 ms "
        "| alone ms | cold ms | responses | queries |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = [name for name, _address in pages()]
    for row in sorted(rows, key=lambda row: (row.size, order.index(row.page), not row.cached)):
        result = row.result
        errors = f" ({result.errors:,} errors)" if result.errors else ""
        latencies = " | ".join(figure(result.percentile(p)) for p in PERCENTILES)
        lines.append(
            f"| {row.size:,} | {row.page} `{row.address}` | {'on' if row.cached else 'off'} "
            f"| {figure(result.throughput)} | {row.ratio:.2f} | {latencies} "
            f"| {figure(result.alone_ms)} | {figure(result.cold_ms)} "
            f"| {result.requests:,}{errors} | {row.queries} |"
        )
    return "\n".join(lines)


def figure(value):
    if math.isnan(value):
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


LEGEND = """\
- **req/s**: responses per second under load. **× /robots.txt**: that throughput divided by the
  trivial view's, measured by the same server in slices alternating with the page's (below), so
  that the noise of a shared machine mostly cancels out.
- **p50, p95, p99**: latency under that load, the wait in gunicorn's queue included. **alone**:
  the median of three responses asked for one at a time after the load, with nothing else to do.
  **cold**: the same, each response after the cache is emptied, so built from the database
  alone: with the page cache off, the cards of the list and its counts per theme are still kept
  in the cache (as in production), and the other columns measure them warm.
- **responses**: how many the figures rest on, with the errors (sockets, timeouts, statuses other
  than 2xx and 3xx) if there were any.
- **queries**: the database queries that build the page once, counted without the server and with
  the page cache off; a page answered from the cache makes none. The admin is never cached (its
  users have a session)."""


def targets(rows, sizes):
    """Return a line per target of the issue: met or missed, with the figures."""
    smallest, largest = min(sizes), max(sizes)
    by_key = {(row.size, row.page, row.cached): row for row in rows}
    grown = [
        f"{name} {by_key[smallest, name, False].queries} → {by_key[largest, name, False].queries}"
        for name, _address in pages()
        if by_key[smallest, name, False].queries != by_key[largest, name, False].queries
    ]
    slow = [
        f"{name} at {size:,}: {by_key[size, name, True].ratio:.2f}"
        for size in sizes
        for name in CACHED_RATIO_PAGES
        if by_key[size, name, True].ratio < CACHED_RATIO_TARGET
    ]
    uncached = by_key[largest, UNCACHED_P95_PAGE, False].result
    p95 = uncached.percentile(95)
    return [
        f"- Queries per page the same at {smallest:,} and {largest:,} networks: "
        + (f"missed ({'; '.join(grown)})" if grown else "met"),
        f"- With the cache on, the {' and '.join(CACHED_RATIO_PAGES)} pages at "
        f"{CACHED_RATIO_TARGET} or more of /robots.txt's throughput at every size: "
        + (f"missed ({'; '.join(slow)})" if slow else "met"),
        f"- Uncached (page cache off), the {UNCACHED_P95_PAGE}'s p95 at {largest:,} networks "
        f"under {UNCACHED_P95_TARGET_MS} ms: "
        f"{'met' if p95 < UNCACHED_P95_TARGET_MS else 'missed'} ({p95:.1f} ms; one response "
        f"alone {uncached.alone_ms:.1f} ms, {uncached.cold_ms:.1f} ms with the cache emptied)",
    ]


def misses_targets(misses):
    """The scale issue's target for the load where every request is a new address (bench/cold)."""
    lines = []
    for size in misses:
        p95 = size.misses[1].percentiles[95]
        verdict = "met" if p95 <= cold.MISS_TARGET_MS else "missed"
        lines.append(
            f"- Every request a new address, at {size.networks:,} networks, p95 ≤ "
            f"{cold.MISS_TARGET_MS} ms with {cold.MISS_CONNECTIONS} connections on "
            f"{cold.MISS_WORKERS} workers: {verdict} ({p95:.1f} ms)"
        )
    return lines


if __name__ == "__main__":
    run(main)
