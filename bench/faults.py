"""
Put the site through load and faults as gunicorn serves it: a minute of concurrent visitors,
PostgreSQL restarted under load, Redis stopped under load; then two instances behind nginx as
deploy/ configures them, an edit made through one and one stopped under load. Each phase's
figures are checked against the criteria of the reliability and scale issues, PASS or FAIL.

bench/faults installs wrk, nginx and the virtualenv, runs this module within a time limit, and
always brings PostgreSQL and Redis back up; bench/README.md says what each phase measures.
"""

import collections
import contextlib
import http.client
import json
import re
import shlex
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.db import connection
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from bench.common import (
    PROXY_HEADERS,
    Proxy,
    Report,
    Server,
    add_synthetic,
    arguments,
    log,
    run,
    set_up,
    wrk,
)

DATABASE = "faults"
SYNTHETIC_NETWORKS = 1000

# What the styled error page (templates/500.html) says, in each language; Django's bare page,
# shown when that template cannot be rendered, says "Server Error (500)".
STYLED_PAGE_TEXTS = ["Service temporarily unavailable", "Servizio temporaneamente non disponibile"]
BARE_PAGE_TEXT = "Server Error (500)"

# The criteria of the issue.
MEMORY_GROWTH_LIMIT_PERCENT = 10
RECOVERY_LIMIT_SECONDS = 10

MEMORY_SAMPLE_SECONDS = 5
WARM_UP_SECONDS = 10
# A client waits this long for a response before counting the request as hung.
CLIENT_TIMEOUT_SECONDS = 10
# Phase b: visitors before the restart, and after its command returned.
BEFORE_RESTART_SECONDS = 5
AFTER_RESTART_SECONDS = 15
VISITORS = 4
# Phase c: load while Redis is down; how long Redis may take to answer again.
REDIS_DOWN_SECONDS = 10
REDIS_START_SECONDS = 10
# Phase d: load through nginx with both instances up, memory sampled; then load while one
# instance is stopped (STOP_AFTER_SECONDS in), down DOWN_SECONDS, then started again.
INSTANCES_LOAD_SECONDS = 20
FAILOVER_SECONDS = 30
STOP_AFTER_SECONDS = 6
DOWN_SECONDS = 8
# The administrator who makes phase d's edit through one instance.
ADMIN = ("faults-admin", "faults-only-Passw0rd!")


def main():
    options = parse_arguments()
    environment = set_up(
        options.workdir,
        database=DATABASE,
        redis=f"redis://127.0.0.1:{options.redis_port}/{options.redis_db}",
    )
    add_synthetic(SYNTHETIC_NETWORKS)
    report = Report("Load and faults", options.command, workers=options.workers)
    data = data_line()
    site = Site(options, environment, visitor_addresses(), edited_network())
    # Restarting PostgreSQL kills this process's connection too: it has no more use for it.
    connection.close()

    sections, verdicts = [], []
    for phase in (load_phase, postgresql_phase, redis_phase, instances_phase):
        log(f"--- {phase.__doc__.splitlines()[0]}")
        title, lines, checks = phase(site)
        sections.append(f"## {title}\n\n" + "\n".join([*lines, "", *format_checks(checks)]))
        verdicts += checks

    failed = [name for passed, name in verdicts if not passed]
    summary = (
        f"**PASS**: all {len(verdicts)} criteria met."
        if not failed
        else f"**FAIL**: {len(failed)} of {len(verdicts)} criteria missed: " + "; ".join(failed)
    )
    print(report.write(options.output, *sections, "## Result\n\n" + summary, details=[data]))
    return 1 if failed else 0


def parse_arguments():
    parser = arguments(
        __doc__.split("\n\n")[0], connections=16, output="faults.md", command="bench/faults"
    )
    parser.add_argument("--seconds", type=int, default=60, help="of load in phase a (60)")
    parser.add_argument(
        "--restart-postgresql", required=True, type=shlex.split, help="the command, quoted"
    )
    parser.add_argument("--start-redis", required=True, type=shlex.split, help="the command")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=13, help="the cache's database (13)")
    return parser.parse_args()


@dataclass
class Site:
    """What the phases share: the options, the servers' environment, the visitors' addresses."""

    options: object
    environment: dict
    mix: list
    # (pk, slug, name) of the network phase d unpublishes and publishes again.
    edited: tuple

    @property
    def uncached_mix(self):
        """The addresses of pages built from the database (not static, not a file), each time."""
        return [address for address in self.mix if is_page(address)]

    def server(self, page_cache=True, **options):
        environment = dict(self.environment)
        if not page_cache:
            environment["DJANGO_PAGE_CACHE_SECONDS"] = "0"
        return Server(environment, self.options, capture_output=True, **options)

    def load(self, server, seconds, while_running=None, headers=PROXY_HEADERS):
        """Load `server` with the visitors' mix for `seconds`; return wrk's Load."""
        return wrk(
            server,
            seconds=seconds,
            connections=self.options.connections,
            timeout=CLIENT_TIMEOUT_SECONDS,
            mix=self.mix,
            while_running=while_running,
            headers=headers,
        )


# The visitors


def visitor_addresses():
    """
    Return the mix of addresses visitors ask for: lists, filtered lists (some never asked for
    before), network and theme pages in both languages, the sitemap, the open data, static
    files and the health check.
    """
    from networks.management.commands.populate_synthetic import PREFIX
    from networks.models import Network, Theme

    published = Network.objects.published().order_by("slug")
    networks = [
        *published.exclude(slug__startswith=PREFIX).values_list("slug", flat=True)[:3],
        *published.filter(slug__startswith=PREFIX).values_list("slug", flat=True)[::250],
    ]
    themes = list(Theme.objects.order_by("slug").values_list("slug", flat=True)[::4])
    addresses = []
    for language in ("it", "en"):
        with translation.override(language):
            listing = reverse("networks:list")
            addresses += [
                listing,
                f"{listing}?order=-joined&page={{n}}",
                f"{listing}?theme={themes[0]}&theme={themes[-1]}&q=citta",
                f"{listing}?scope=european&order=-name",
                *(reverse("networks:detail", args=[slug]) for slug in networks),
                reverse("networks:theme", args=[themes[1]]),
            ]
    addresses += [
        "/it/reti/?q=clima&page={n}",
        "/sitemap.xml",
        "/robots.txt",
        "/opendata/networks.csv",
        "/opendata/networks.json",
        static("css/bootstrap-italia.min.css"),
        static("js/bootstrap-italia.min.js"),
        static("networks/css/site.css"),
        "/healthz",
    ]
    return addresses


def is_page(address):
    """Tell whether `address` is a page built from the database (not static, not a file)."""
    return address.startswith(("/it/", "/en/")) and "{n}" not in address


@dataclass
class Outcome:
    """One request of a visitor; times in seconds of time.monotonic()."""

    started: float
    seconds: float
    status: int = 0  # none: no response in time, or the connection failed
    styled: bool = False
    retry_after: str = ""
    error: str = ""

    @property
    def ok(self):
        return 200 <= self.status < 400

    @property
    def ended(self):
        return self.started + self.seconds


def visit(server, address):
    """Ask for `address` as a visitor would; return the Outcome."""
    started = time.monotonic()
    try:
        response = server.request(address, timeout=CLIENT_TIMEOUT_SECONDS)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(started, time.monotonic() - started, error=type(error).__name__)
    body = response.body.decode(errors="replace")
    styled = any(text in body for text in STYLED_PAGE_TEXTS) and BARE_PAGE_TEXT not in body
    return Outcome(
        started,
        time.monotonic() - started,
        status=response.status,
        styled=styled,
        retry_after=response.headers.get("Retry-After", ""),
    )


class Visitors:
    """A few threads asking for `addresses` in turn, one request at a time each, until stopped."""

    def __init__(self, server, addresses, count=VISITORS):
        self.server = server
        self.addresses = addresses
        self.outcomes = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self.run, args=[offset], daemon=True) for offset in range(count)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join(CLIENT_TIMEOUT_SECONDS + 5)

    def run(self, offset):
        turn = offset
        while not self.stopping.is_set():
            address = self.addresses[turn % len(self.addresses)]
            self.outcomes.append(visit(self.server, address))
            turn += 1


def wrk_lines(load):
    statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(load.statuses.items()))
    errors = load.errors
    return [
        f"- Responses: {load.requests:,} in {load.seconds:.1f} s, {load.throughput:,.1f} req/s; "
        f"by status: {statuses}",
        f"- Latency: p50 {load.percentiles[50]:,.1f} ms, p99 {load.percentiles[99]:,.1f} ms, "
        f"max {load.max_ms:,.1f} ms",
        f"- Non-2xx/3xx responses: {errors['status']:,}; socket errors: "
        f"{load.socket_errors:,} (connect {errors['connect']}, read {errors['read']}, "
        f"write {errors['write']}, timeout {errors['timeout']})",
    ]


def logged_errors(server):
    """Return the server's logged 5xx responses, and how many of them carry a traceback."""
    lines = [
        line
        for line in server.log.read_text(errors="replace").splitlines()
        if " ERROR django.request " in line
    ]
    return len(lines), sum("Traceback (most recent call last)" in line for line in lines)


# The phases: each returns its title, its lines of figures and its checks, (passed, criterion).


def load_phase(site):
    """a. Load: concurrent visitors on the cached site, memory sampled."""
    options, mix = site.options, site.mix
    with site.server() as server:
        cold = server.rss_mib()
        site.load(server, WARM_UP_SECONDS)  # every worker has built every kind of page
        workers = server.worker_pids()
        samples = []

        def sample_memory(process):
            while process.poll() is None:
                samples.append(server.rss_mib())
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(MEMORY_SAMPLE_SECONDS)
            samples.append(server.rss_mib())

        figures = site.load(server, options.seconds, while_running=sample_memory)
        workers_after = server.worker_pids()

    fresh = sum("{n}" in address for address in mix)
    first, last = samples[0], samples[-1]
    growth = (last - first) / first * 100
    lines = [
        f"- Visitors: wrk, {options.connections} connections for {options.seconds} s after "
        f"{WARM_UP_SECONDS} s of warm-up, {len(mix)} addresses in turn, {fresh} of which are new "
        "at each turn (a page number never asked for), so that some pages miss the cache",
        *wrk_lines(figures),
        f"- Memory (RSS of gunicorn's master and {len(workers)} workers): {cold:.1f} MiB "
        f"started, after the warm-up first {first:.1f}, last {last:.1f}, max "
        f"{max(samples):.1f} MiB; growth {growth:+.1f} %",
        "- Samples every 5 s (MiB): " + ", ".join(f"{rss:.1f}" for rss in samples),
    ]
    checks = [
        (figures.errors["status"] == 0, "a: no non-2xx/3xx response"),
        (figures.socket_errors == 0, "a: no socket error"),
        (
            growth < MEMORY_GROWTH_LIMIT_PERCENT,
            f"a: memory flat (growth under {MEMORY_GROWTH_LIMIT_PERCENT} % after the warm-up)",
        ),
        (workers_after == workers, "a: no worker died or was replaced"),
    ]
    return f"a. Load: {options.seconds} s of concurrent visitors, page cache on", lines, checks


def postgresql_phase(site):
    """b. PostgreSQL restarted while visitors ask for pages, page cache off."""
    options, uncached_mix = site.options, site.uncached_mix
    with site.server(page_cache=False) as server:
        with Visitors(server, uncached_mix) as visitors:
            time.sleep(BEFORE_RESTART_SECONDS)
            restart_started = time.monotonic()
            subprocess.run(options.restart_postgresql, check=True, timeout=120)
            restart_ended = time.monotonic()
            time.sleep(AFTER_RESTART_SECONDS)
        outcomes = sorted(visitors.outcomes, key=lambda outcome: outcome.started)
        logged, with_traceback = logged_errors(server)

    failures = [outcome for outcome in outcomes if not outcome.ok]
    before = [outcome for outcome in outcomes if outcome.ended < restart_started]
    after = [outcome for outcome in outcomes if outcome.started > restart_ended]
    last_failure = max((outcome.ended for outcome in failures), default=restart_ended)
    recovery = max(0.0, last_failure - restart_ended)
    statuses = collections.Counter(outcome.status or outcome.error for outcome in failures)
    unavailable = [outcome for outcome in failures if outcome.status == 503]
    styled = sum(outcome.styled for outcome in failures)
    slowest = max(outcome.seconds for outcome in outcomes)
    lines = [
        f"- Visitors: {VISITORS} threads, one request at a time each, {len(uncached_mix)} "
        f"uncached pages in turn (list, filtered lists, networks, themes, in both languages), "
        f"{CLIENT_TIMEOUT_SECONDS} s timeout; {BEFORE_RESTART_SECONDS} s before the restart, "
        f"{AFTER_RESTART_SECONDS} s after",
        f"- Restart: `{shlex.join(options.restart_postgresql)}` took "
        f"{restart_ended - restart_started:.1f} s",
        f"- Responses: {len(outcomes):,}; before the restart {len(before):,}, "
        f"{sum(not outcome.ok for outcome in before)} failed",
        f"- Errors: {len(failures)}"
        + (
            f", from {failures[0].started - restart_started:.1f} s to "
            f"{last_failure - restart_started:.1f} s after the restart began"
            if failures
            else ""
        )
        + "".join(f"; {key}: {n}" for key, n in sorted(statuses.items(), key=str)),
        f"- Errors showing the styled page: {styled} of {len(failures)}; 503s with Retry-After: "
        f"{sum(bool(outcome.retry_after) for outcome in unavailable)} of {len(unavailable)}",
        f"- Logged by the server: {logged} errors, {with_traceback} with their traceback",
        f"- Recovery: every request succeeds {recovery:.1f} s after the restart command "
        f"returned; after it, {sum(not outcome.ok for outcome in after)} of {len(after):,} "
        "failed",
        f"- Slowest response: {slowest * 1000:,.0f} ms (no request hung: none reached the "
        f"{CLIENT_TIMEOUT_SECONDS} s timeout)"
        if slowest < CLIENT_TIMEOUT_SECONDS
        else f"- Slowest response: {slowest * 1000:,.0f} ms: some request hung",
    ]
    checks = [
        (not any(not outcome.ok for outcome in before), "b: no error before the restart"),
        (
            recovery <= RECOVERY_LIMIT_SECONDS,
            f"b: recovered by itself within {RECOVERY_LIMIT_SECONDS} s",
        ),
        (styled == len(failures), "b: every error shows the styled page"),
        (all(outcome.status for outcome in outcomes), "b: no request hung or was refused"),
        (logged >= len(failures) and with_traceback >= len(unavailable), "b: errors logged"),
        (
            bool(after) and after[-1].ok and all(outcome.ok for outcome in outcomes[-10:]),
            "b: serving again at the end",
        ),
    ]
    return "b. PostgreSQL restarted under load, page cache off", lines, checks


def redis_phase(site):
    """c. Redis stopped under load, page cache on; then started again."""
    options, uncached_mix = site.options, site.uncached_mix
    client = redis.Redis.from_url(settings.REDIS_URL)
    with site.server() as server:
        for address in uncached_mix:
            visit(server, address)  # cached, as before any outage
        subprocess.run(
            ["redis-cli", "-p", str(options.redis_port), "shutdown", "nosave"],
            capture_output=True,
            timeout=30,
        )
        try:
            down = not wait_for_redis(options, seconds=0)
            health_down = health(server)
            figures = site.load(server, REDIS_DOWN_SECONDS)
        finally:
            started = time.monotonic()
            if not wait_for_redis(options, seconds=0):
                subprocess.run(options.start_redis, check=True, timeout=30)
            back = wait_for_redis(options, seconds=REDIS_START_SECONDS)
            start_seconds = time.monotonic() - started
        first = [visit(server, address) for address in uncached_mix]
        again = [visit(server, address) for address in uncached_mix]
        stored = sum(1 for _key in client.scan_iter(match="*page:*"))
        health_up = health(server)

    first_ms = statistics.median(outcome.seconds for outcome in first) * 1000
    again_ms = statistics.median(outcome.seconds for outcome in again) * 1000
    lines = [
        f"- Redis stopped with `redis-cli -p {options.redis_port} shutdown nosave`: "
        + ("no longer answering" if down else "still answering"),
        f"- Visitors while it is down: wrk, {options.connections} connections for "
        f"{REDIS_DOWN_SECONDS} s, the mix of phase a",
        *wrk_lines(figures),
        f"- /healthz while it is down: {health_down[0]} {health_down[1]}",
        f"- Started again with `{shlex.join(options.start_redis)}`: answering after "
        f"{start_seconds:.1f} s" + ("" if back else ": NOT answering"),
        f"- Then, {len(uncached_mix)} pages asked for twice: statuses "
        f"{sorted({outcome.status for outcome in first + again})}; {stored} pages in the cache; "
        f"median {first_ms:.1f} ms the first time, {again_ms:.1f} ms the second (from the cache)",
        f"- /healthz after: {health_up[0]} {health_up[1]}",
    ]
    checks = [
        (down, "c: Redis was down"),
        (figures.errors["status"] == 0, "c: no non-2xx/3xx response with Redis down"),
        (figures.socket_errors == 0, "c: no socket error with Redis down"),
        (
            health_down[0] == 200 and health_down[1].get("cache") == "failing",
            "c: /healthz says degraded but up (200, cache failing)",
        ),
        (back, f"c: Redis back within {REDIS_START_SECONDS} s"),
        (
            all(outcome.ok for outcome in first + again) and stored >= len(uncached_mix),
            "c: pages served and cached again",
        ),
        (health_up[0] == 200 and set(health_up[1].values()) == {"ok"}, "c: /healthz ok after"),
    ]
    return "c. Redis down under load, page cache on", lines, checks


def instances_phase(site):
    """d. Two instances behind nginx: an edit through one, then one stopped under load."""
    options = site.options
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(site.server(deployed=True))
        second = stack.enter_context(site.server(deployed=True))
        proxy = stack.enter_context(Proxy([first, second], options.workdir))
        edit_lines, edit_checks = edit_through_one(site, first, second, proxy)
        served = served_by_nginx(proxy)

        site.load(proxy, WARM_UP_SECONDS, headers={})
        samples = []

        def sample_memory(process):
            while process.poll() is None:
                samples.append((first.rss_mib(), second.rss_mib()))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(MEMORY_SAMPLE_SECONDS)
            samples.append((first.rss_mib(), second.rss_mib()))

        both = site.load(proxy, INSTANCES_LOAD_SECONDS, sample_memory, headers={})
        events = {}

        def stop_and_start(process):
            time.sleep(STOP_AFTER_SECONDS)
            events["stopping"] = time.time()
            second.stop(graceful=True)
            events["stopped"] = time.time()
            time.sleep(DOWN_SECONDS)
            events["starting"] = time.time()
            stack.enter_context(site.server(deployed=True, port=second.port))
            events["started"] = time.time()

        failover = site.load(proxy, FAILOVER_SECONDS, stop_and_start, headers={})
        answered = proxy.answered()

    growth = [
        (samples[-1][index] - samples[0][index]) / samples[0][index] * 100 for index in (0, 1)
    ]
    during = [entry for entry in answered if events["stopped"] < entry[0] < events["starting"]]
    after = [entry for entry in answered if entry[0] > events["started"]]
    by_first = sum(ports[-1] == first.port for _moment, _status, ports in during)
    retried = sum(len(ports) > 1 for _moment, _status, ports in answered)
    back = [moment for moment, _status, ports in after if ports[-1] == second.port]
    lines = [
        *edit_lines,
        *served,
        f"- Load through nginx, both instances up: wrk, {options.connections} connections for "
        f"{INSTANCES_LOAD_SECONDS} s after {WARM_UP_SECONDS} s of warm-up, the mix of phase a",
        *wrk_lines(both),
        "- Memory (RSS of each instance's master and workers), samples every "
        f"{MEMORY_SAMPLE_SECONDS} s (MiB): first "
        + ", ".join(f"{rss:.1f}" for rss, _other in samples)
        + "; second "
        + ", ".join(f"{rss:.1f}" for _other, rss in samples)
        + f"; growth {growth[0]:+.1f} % and {growth[1]:+.1f} %",
        f"- One instance stopped under load: wrk, {options.connections} connections for "
        f"{FAILOVER_SECONDS} s; after {STOP_AFTER_SECONDS} s the second instance stopped as "
        f"`systemctl stop` does (SIGTERM: requests under way answered first), in "
        f"{events['stopped'] - events['stopping']:.1f} s; started again "
        f"{events['starting'] - events['stopped']:.1f} s later, answering after "
        f"{events['started'] - events['starting']:.1f} s",
        *wrk_lines(failover),
        f"- While it was stopped: {len(during):,} responses of the site through nginx, "
        f"{by_first:,} of them by the first instance; {retried:,} requests in all went to the "
        "other instance after the one nginx tried first failed",
        f"- After it started again: {len(back):,} of {len(after):,} responses by it"
        + (f", the first {back[0] - events['started']:.1f} s after" if back else ""),
    ]
    checks = [
        *edit_checks,
        (both.errors["status"] == 0 and both.socket_errors == 0, "d: no error, both up"),
        (
            max(growth) < MEMORY_GROWTH_LIMIT_PERCENT,
            f"d: memory of each instance flat (growth under {MEMORY_GROWTH_LIMIT_PERCENT} %)",
        ),
        (
            failover.errors["status"] == 0 and failover.socket_errors == 0,
            "d: no failed request with one instance stopped under load",
        ),
        (bool(during) and by_first == len(during), "d: the other instance served meanwhile"),
        (bool(back), "d: the instance started again serves again"),
    ]
    return "d. Two instances behind nginx, page cache on", lines, checks


def edit_through_one(site, first, second, proxy):
    """
    Unpublish a network through the first instance's admin, then publish it again; after each,
    ask for its page from the second instance and through nginx (twice: both instances).
    Return the report's lines and checks.
    """
    pk, slug, name = site.edited
    with translation.override("it"):
        page = reverse("networks:detail", args=[slug])
        listing = reverse("networks:list")
    admin = AdminSession(first)
    for server in (first, second):  # cached before the edit, as visitors left them
        visit(server, page)
        visit(server, listing)
    admin.log_in(*ADMIN)
    results = {}
    for action in ("unpublish", "publish"):
        status = admin.action(action, pk)
        started = time.monotonic()
        seen = [
            visit(second, page).status,
            *(proxy.request(page).status for _twice in range(2)),
        ]
        listed = name.encode() in second.request(listing).body
        results[action] = (status, seen, listed, time.monotonic() - started)
    unpublished, published = results["unpublish"], results["publish"]
    lines = [
        f"- Instances: two gunicorns with deploy/gunicorn.conf.py ({site.options.workers} "
        "workers each), the same database, Redis and folders; Debian's nginx in front with "
        "deploy/nginx/modena-networks.conf, on HTTPS",
        f"- Edit: “{name}” unpublished through the first instance's admin (HTTP "
        f"{unpublished[0]}), its page asked for at once from the second and twice through "
        f"nginx: {unpublished[1]}, in the second's list: {'yes' if unpublished[2] else 'no'} "
        f"(all four asked for in {unpublished[3] * 1000:.0f} ms); published again (HTTP "
        f"{published[0]}): {published[1]}, in the list: {'yes' if published[2] else 'no'}",
    ]
    checks = [
        (
            unpublished[1] == [404] * 3 and not unpublished[2],
            "d: an edit through one instance is on the other at once (unpublished)",
        ),
        (
            published[1] == [200] * 3 and published[2],
            "d: an edit through one instance is on the other at once (published again)",
        ),
    ]
    return lines, checks


def served_by_nginx(proxy):
    """Return the report's lines on what nginx serves itself: static files, gzipped."""
    address = static("css/bootstrap-italia.min.css")
    response = proxy.request(address, headers={"Accept-Encoding": "gzip"})
    from_site = any(address in line for line in proxy.access_log.read_text().splitlines())
    page = proxy.request(reverse("networks:list"), headers={"Accept-Encoding": "gzip"})
    redirect = http.client.HTTPConnection("127.0.0.1", proxy.redirect_port, timeout=10)
    redirect.request("GET", "/it/reti/")
    moved = redirect.getresponse()
    return [
        f"- Static files by nginx: `{address}` HTTP {response.status}, "
        f"{response.headers.get('Content-Encoding') or 'not compressed'}, "
        f"`Cache-Control: {response.headers.get('Cache-Control')}`"
        + (", yet the site was asked for it" if from_site else ", the site not asked"),
        f"- A page through nginx: HTTP {page.status}, "
        f"{page.headers.get('Content-Encoding') or 'not compressed'}, "
        f"`X-Request-ID: {page.headers.get('X-Request-ID')}` (nginx's); plain HTTP: "
        f"{moved.status} to `{moved.getheader('Location')}`",
    ]


class AdminSession:
    """An administrator's browser on one instance: its cookies and the forms' CSRF token."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def send(self, method, address, fields=None):
        """Return the status, Location and text of the response to `method` `address`."""
        headers = {
            **PROXY_HEADERS,
            "Referer": f"https://127.0.0.1:{self.server.port}{address}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        body = urlencode(fields, doseq=True) if fields else None
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            client.request(method, address, body=body, headers=headers)
            response = client.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            client.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _equals, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), text

    def form_token(self, address):
        _status, _location, text = self.send("GET", address)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)[1]

    def log_in(self, username, password):
        address = reverse("admin:login")
        fields = {"username": username, "password": password, "next": reverse("admin:index")}
        status, _location, _text = self.send(
            "POST", address, {"csrfmiddlewaretoken": self.form_token(address), **fields}
        )
        if status != 302:
            raise SystemExit(f"bench/faults: the admin refused {username} (HTTP {status})")

    def action(self, name, pk):
        """Run the admin action `name` on the network `pk`; return the response's status."""
        address = reverse("admin:networks_network_changelist")
        fields = {"action": name, "_selected_action": [pk], "index": 0, "confirm": "1"}
        status, _location, _text = self.send(
            "POST", address, {"csrfmiddlewaretoken": self.form_token(address), **fields}
        )
        return status


def edited_network():
    """Return (pk, slug, name) of a real network, and make the administrator who edits it."""
    from django.contrib.auth import get_user_model

    from networks.management.commands.populate_synthetic import PREFIX
    from networks.models import Network

    username, password = ADMIN
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(password)
    user.save()
    network = Network.objects.published().exclude(slug__startswith=PREFIX).order_by("slug")[0]
    return network.pk, network.slug, network.name_it


def wait_for_redis(options, seconds):
    """Return whether Redis answers PING within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = subprocess.run(
            ["redis-cli", "-p", str(options.redis_port), "ping"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if answer.stdout.strip() == "PONG":
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def health(server):
    """Return /healthz's status and its figures."""
    response = server.request("/healthz", timeout=CLIENT_TIMEOUT_SECONDS)
    try:
        return response.status, json.loads(response.body)
    except ValueError:
        return response.status, {}


# The report


def format_checks(checks):
    return [f"- **{'PASS' if passed else 'FAIL'}** {name}" for passed, name in checks]


def data_line():
    from networks.management.commands.populate_synthetic import PREFIX
    from networks.models import Network

    synthetic = Network.objects.filter(slug__startswith=PREFIX).count()
    return (
        f"- Data: {Network.objects.count():,} networks (the demo content and {synthetic:,} "
        f"synthetic), database `{settings.DATABASES['default']['NAME']}`, the cache in "
        f"`{settings.REDIS_URL}`"
    )


if __name__ == "__main__":
    run(main)  # the servers stopped, and Redis started again, on the way out
