"""
Measure the site as gunicorn serves it: the throughput and latency of its pages beside a trivial
view of the same server (/robots.txt), and the queries that build each page, at several numbers
of networks, with the page cache on and off.

bench/run prepares the environment, the database and the static files, then runs this module;
bench/README.md says what the figures mean.
"""

import argparse
import datetime
import http.client
import io
import json
import math
import os
import platform
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("latency.lua")

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
# What the TLS proxy in front of gunicorn tells it (bench/run sets DJANGO_BEHIND_TLS_PROXY):
# production redirects plain HTTP to HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# A page is loaded in slices of a second, each after a slice of the trivial view, so that both
# see the same machine: these machines are shared, and their speed changes from one minute to
# the next. A slow page gets longer slices, so that each connection sees a few responses.
SLICE_SECONDS = 1
MAX_SLICE_SECONDS = 60
RESPONSES_PER_CONNECTION = 5

# The targets of the issue that asked for this benchmark.
CACHED_RATIO_TARGET = 0.8
CACHED_RATIO_PAGES = ["list", "detail"]
UNCACHED_P95_TARGET_MS = 100
UNCACHED_P95_PAGE = "list"
PERCENTILES = [50, 95, 99]


def pages():
    """Return the (name, address) of each page measured, the trivial view first."""
    admin = ("admin changelist", reverse("admin:networks_network_changelist"))
    return [TRIVIAL, *PUBLIC_PAGES, admin]


def is_admin(address):
    return address.startswith(reverse("admin:index"))


def main():
    options = parse_arguments()
    # Stopped like a Ctrl-C, so that the server in use is stopped too.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(128 + signal.SIGTERM))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modena_networks.settings")
    # This process counts the queries that build each page, so it never answers from the cache;
    # the servers get their own setting.
    server_environment = dict(os.environ)
    os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    django.setup()

    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()[0]
    rows, notes = [], []
    admin = admin_client()
    for size in options.sizes:
        log(f"--- {size:,} networks")
        populate(size)
        queries = count_queries(admin)
        for cached in (True, False):
            environment = dict(server_environment)
            if cached:
                cache.clear()  # start cold, without the pages of the previous size
            else:
                environment["DJANGO_PAGE_CACHE_SECONDS"] = "0"
            with Server(environment, options) as server:
                session_rows, note = measure_session(server, admin, options, size, cached)
            for row in session_rows:
                row.queries = queries[row.address]
            rows += session_rows
            notes.append(note)
    load_after = os.getloadavg()[0]

    table = markdown_table(rows)
    print(table)
    report = [
        "# Benchmark results",
        header(options, started, load_before, load_after),
        table,
        LEGEND,
        "## Targets\n\n" + "\n".join(targets(rows, options.sizes)),
        "## The trivial view's slices, slowest and fastest, on each server\n\n" + "\n".join(notes),
    ]
    options.output.write_text("\n\n".join(report) + "\n")
    log(f"Written to {options.output}.")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[15, 1000, 10000],
        help="how many networks in all, comma-separated (default 15,1000,10000)",
    )
    parser.add_argument(
        "--seconds", type=int, default=5, help="of load per page, and as much on the trivial view"
    )
    parser.add_argument("--connections", type=int, default=8, help="open at once (default 8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--workdir", type=Path, required=True, help="for pid and log files")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--command", default="bench/run", help="as recorded in the results")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


# The data


def populate(size):
    """Leave `size` networks in the database: the real (demo) ones and synthetic ones."""
    from networks.management.commands.populate_synthetic import PREFIX
    from networks.models import Network

    real = Network.objects.exclude(slug__startswith=PREFIX).count()
    if size < real:
        raise SystemExit(f"The database has {real} real networks: ask for at least as many.")
    call_command("populate_synthetic", networks=size - real, stdout=io.StringIO())
    # Planner statistics as a database that grew over time would have them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    assert Network.objects.count() == size


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


# The server


class Server:
    """gunicorn on a free port of the loopback, stopped on leaving the `with` block."""

    def __init__(self, environment, options):
        self.environment = environment
        self.workers = options.workers
        self.port = free_port()
        self.log = options.workdir / f"gunicorn-{self.port}.log"
        # bench/run's trap stops the server from this file if this process cannot.
        self.pidfile = options.workdir / f"gunicorn-{self.port}.pid"

    def __enter__(self):
        command = [Path(sys.executable).with_name("gunicorn"), "modena_networks.wsgi"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        command += ["--pid", self.pidfile, "--error-logfile", self.log]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment,
            start_new_session=True,  # left running by a Ctrl-C until __exit__ stops it
        )
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def url(self, address):
        return f"http://127.0.0.1:{self.port}{address}"

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log}")
            try:
                self.get(TRIVIAL[1], PROXY_HEADERS)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer in a minute: see {self.log}")

    def get(self, address, headers):
        """Ask for `address` alone; return the status and the milliseconds the response took."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            started = time.perf_counter()
            client.request("GET", address, headers=headers)
            response = client.getresponse()
            response.read()
            return response.status, (time.perf_counter() - started) * 1000
        finally:
            client.close()

    def time_ms(self, address, headers):
        """Return how long a response to `address` takes; stop the benchmark if it is not 200."""
        status, milliseconds = self.get(address, headers)
        if status != 200:
            raise SystemExit(f"{address}: HTTP {status}, expected 200 (see {self.log})")
        return milliseconds

    def alone_ms(self, address, headers):
        """Return the median time of three responses while the server has nothing else to do."""
        return statistics.median(self.time_ms(address, headers) for _attempt in range(3))

    def cold_ms(self, address, headers):
        """
        Return the median time of three responses, each after the cache is emptied: the page,
        and the cards and counts it is made of, built from the database alone.
        """
        times = []
        for _attempt in range(3):
            cache.clear()  # the servers' cache too: they share REDIS_URL
            times.append(self.time_ms(address, headers))
        return statistics.median(times)

    def worker_cpu_ticks(self):
        """Return the CPU time the workers have used so far, in clock ticks (Linux only)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue  # gone meanwhile
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[1]) == self.process.pid:  # its parent
                total += int(fields[11]) + int(fields[12])  # user and system time
        return total

    def wait_until_idle(self):
        """
        Wait until the workers stop using the CPU.

        When wrk stops, the requests it sent are still queued or being answered: without this
        wait, a slow page's leftovers would slow down whatever is measured next.
        """
        deadline = time.monotonic() + 300
        ticks = self.worker_cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            ticks, previous = self.worker_cpu_ticks(), ticks
            if ticks == previous:
                return


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The load


@dataclass
class Run:
    """One wrk run against one address; latencies in milliseconds."""

    requests: int
    seconds: float
    errors: int
    percentiles: dict
    # The latency at every half percent (0.5, 1, …, 100), when wrk gave them.
    quantiles: list

    @classmethod
    def from_wrk(cls, figures):
        return cls(
            requests=figures["requests"],
            seconds=figures["duration_us"] / 1e6,
            errors=sum(figures["errors"].values()),
            percentiles={p: figures[f"p{p}_us"] / 1000 for p in PERCENTILES},
            quantiles=[value / 1000 for value in figures["quantiles_us"]],
        )


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
        return sum(run.errors for run in self.runs)

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
            # Some run spread over seconds (see latency.lua): the worst of the runs, to be safe.
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


def wrk(server, address, headers, seconds, connections):
    command = ["wrk", "--threads", "1", "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "60s", "--script", LUA]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run(
        [*command, server.url(address)], check=True, capture_output=True, text=True
    ).stdout
    run = Run.from_wrk(json.loads(output.strip().splitlines()[-1]))
    server.wait_until_idle()
    return run


def measure_page(server, address, headers, options):
    """Load `address` in slices, each after a slice of the trivial view; return both Results."""
    server.time_ms(address, headers)  # fills the cache, if it is on
    # Slices long enough for each connection to get a few responses, the queue counted.
    wanted = server.time_ms(address, headers) / 1000 * options.connections / options.workers
    page_slice = math.ceil(RESPONSES_PER_CONNECTION * wanted)
    page_slice = min(max(SLICE_SECONDS, page_slice), MAX_SLICE_SECONDS)
    if page_slice == SLICE_SECONDS:
        wrk(server, address, headers, SLICE_SECONDS, options.connections)  # every worker warm
    page, trivial = Result([]), Result([])
    for _round in range(max(1, round(options.seconds / page_slice))):
        trivial.runs.append(
            wrk(server, TRIVIAL[1], PROXY_HEADERS, SLICE_SECONDS, options.connections)
        )
        page.runs.append(wrk(server, address, headers, page_slice, options.connections))
    page.alone_ms = server.alone_ms(address, headers)
    page.cold_ms = server.cold_ms(address, headers)
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
    wrk(server, TRIVIAL[1], PROXY_HEADERS, SLICE_SECONDS, options.connections)
    trivial_all = Result([], server.alone_ms(TRIVIAL[1], PROXY_HEADERS))
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


def header(options, started, load_before, load_after):
    return "\n".join(
        [
            f"- Run: {started:%Y-%m-%d %H:%M %Z}, `{options.command}`",
            f"- Machine: {os.cpu_count()} cores ({cpu_model()}), load average {load_before:.2f} "
            f"before and {load_after:.2f} after",
            f"- Software: Python {platform.python_version()}, {database_version()}, "
            f"Django {django.get_version()}, gunicorn {version('gunicorn')} with "
            f"{options.workers} sync workers, the page cache in Redis",
            f"- Load: wrk on the loopback, {options.connections} connections, {options.seconds} s "
            f"per page in slices of {SLICE_SECONDS} s (longer for slow pages) after a warm-up, "
            f"each slice after {SLICE_SECONDS} s of /robots.txt",
        ]
    )


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def database_version():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


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


if __name__ == "__main__":
    main()
