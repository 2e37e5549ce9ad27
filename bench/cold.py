"""
Measure the pages and files a first visitor asks for as gunicorn serves them with every cache
emptied before each request, one request at a time, at 15 and 10,000 networks on PostgreSQL:
the list, a theme's page, a network's page, a filtered search with words, the CSV and JSON
files; and the queries that build each. Then, at 10,000, gunicorn under load with the page
cache on and every request a new address.

bench/cold runs this module; bench/README.md says what the figures mean.
"""

import random
import statistics
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import translation

from bench.common import (
    Report,
    Server,
    arguments,
    log,
    populate,
    queries_to_build,
    run,
    set_up,
    sizes_argument,
    wrk,
)
from bench.search import percentile

DATABASE = "bench_cold"
# Database 10: bench/audit uses 11, bench/search 12, bench/faults 13, bench/run 14, the tests 15.
REDIS_URL = "redis://127.0.0.1:6379/10"
TARGET_SIZE = 10_000
# The targets of the issue that asked for this benchmark (19: scale, point 3), in ms.
PAGE_TARGET_MS = 50
FILE_TARGET_MS = 500
ATTEMPTS = 7
TRIVIAL = "/robots.txt"
# Under load with the page cache on, every request a new address: the scale issue's point 4.
MISS_WORKERS = 2
MISS_CONNECTIONS = 8
MISS_SECONDS = 20
MISS_TARGET_MS = 100


def addresses():
    """Return [(name, address, target ms)] at the database's present size."""
    from networks.management.commands.populate_synthetic import PREFIX
    from networks.models import Network, Theme

    published = Network.objects.published()
    real = published.exclude(slug__startswith=PREFIX).order_by("slug").first()
    synthetic = published.filter(slug__startswith=PREFIX).order_by("slug").first() or real
    # The theme with the most networks: its page is the longest.
    theme = (
        Theme.objects.annotate(count=Count("networks"))
        .order_by("-count", "slug")
        .values_list("slug", flat=True)[0]
    )
    with translation.override("it"):
        listing = reverse("networks:list")
        found = [
            ("the list", listing, PAGE_TARGET_MS),
            ("the list, by year, page 3", f"{listing}?order=-joined&page=3", PAGE_TARGET_MS),
            ("a theme's page", reverse("networks:theme", args=[theme]), PAGE_TARGET_MS),
            ("a network's page", real.get_absolute_url(), PAGE_TARGET_MS),
            ("a synthetic network's page", synthetic.get_absolute_url(), PAGE_TARGET_MS),
            (
                "a filtered search with words",
                f"{listing}?q=citta&theme={theme}&scope=european",
                PAGE_TARGET_MS,
            ),
        ]
    with translation.override("en"):
        found.append(("the list, in English", reverse("networks:list"), PAGE_TARGET_MS))
    # Built ahead (build_open_data, every minute), and for a request: with a filter, or between
    # a change and the next build. `lang=it` is the default: the same file, built for it.
    found += [
        ("the CSV file, built ahead", "/opendata/networks.csv", FILE_TARGET_MS),
        ("the CSV file, built for the request", "/opendata/networks.csv?lang=it", FILE_TARGET_MS),
        ("the JSON file, built ahead", "/opendata/networks.json", FILE_TARGET_MS),
        (
            "the JSON file, built for the request",
            "/opendata/networks.json?lang=it",
            FILE_TARGET_MS,
        ),
    ]
    return found


def main():
    options = parse_arguments()
    environment = set_up(
        options.workdir, database=DATABASE, redis=REDIS_URL, DJANGO_PAGE_CACHE_SECONDS="0"
    )
    environment["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    report = Report("Cold paths", options.command, workers=options.workers, load=False)
    sizes = []
    for size in options.sizes:
        log(f"--- {size:,} networks")
        populate(size)
        call_command("build_open_data")  # as its timer does once a minute
        measured = Size(size, addresses(), queries={})
        by_address = queries_to_build(address for _name, address, _t in measured.addresses)
        measured.queries = {name: by_address[address] for name, address, _t in measured.addresses}
        with Server(environment, options) as server:
            measure(server, measured, options)
        if size == TARGET_SIZE:  # smaller, the site has too few addresses to never repeat one
            measured.misses = load_new_addresses(environment, options)
        sizes.append(measured)
    sections = [
        table(sizes),
        LEGEND,
        "## Under load, every request a new address\n\n" + misses_table(sizes),
        MISSES_LEGEND,
        "## Targets\n\n" + "\n".join(targets(sizes)),
    ]
    print("\n\n".join([sections[0], sections[2], sections[4]]))
    report.write(options.output, *sections)


def parse_arguments():
    parser = arguments(
        __doc__.split("\n\n")[0], connections=1, output="cold.md", command="bench/cold"
    )
    sizes_argument(parser, [15, TARGET_SIZE])
    return parser.parse_args()


@dataclass
class Size:
    networks: int
    addresses: list
    queries: dict
    # {address: [ms, …]}, each asked for after the cache was emptied.
    cold: dict = field(default_factory=dict)
    # (how many addresses, wrk's Load) of the run where every request is a new address.
    misses: tuple = None


def measure(server, size, options):
    # Every worker warm before anything is measured, as on a site that has been serving: its
    # modules, its database connection, and every template of these pages compiled (a worker's
    # first page takes some 150 ms more). Cold means the caches emptied, not a new process.
    mix = [address for _name, address, _target in size.addresses]
    wrk(server, TRIVIAL, seconds=3, connections=options.workers * 2, timeout=60, mix=mix)
    server.wait_until_idle()
    for name, address, _target in size.addresses:
        size.cold[name] = []
        for _attempt in range(ATTEMPTS):
            cache.clear()  # the server's cache too: they share REDIS_URL
            response = server.request(address)
            if response.status != 200:
                raise SystemExit(f"{address}: HTTP {response.status} (see {server.log})")
            size.cold[name].append(response.seconds * 1000)
        log(
            f"{size.networks:>6,} {name:<30} cold median "
            f"{statistics.median(size.cold[name]):7.1f} ms, {size.queries[name]} queries"
        )


def new_addresses():
    """
    Return different valid addresses, shuffled, as many as a run can ask for: pages of the
    list in each order and language, filtered by each theme and scope, searches for the words
    the networks have, every network's page in both languages, pages of every theme.
    """
    from networks import search
    from networks.models import Network, Theme

    published = Network.objects.published()
    pages = published.count() // 20 + 1
    themes = list(Theme.objects.values_list("slug", flat=True))
    words = search.vocabulary("it")[:300]
    found = []
    for language in ("it", "en"):
        with translation.override(language):
            listing = reverse("networks:list")
            for page in range(1, pages + 1):
                found += [
                    f"{listing}?page={page}",
                    f"{listing}?order=-joined&page={page}",
                    f"{listing}?order=-name&page={page}",
                ]
            for theme in themes:
                found += [f"{listing}?theme={theme}&page={page}" for page in range(1, 6)]
                found += [f"{listing}?theme={theme}&scope=european"]
                found += [
                    f"{reverse('networks:theme', args=[theme])}?page={page}" for page in range(1, 6)
                ]
            found += [
                reverse("networks:detail", args=[slug])
                for slug in published.values_list("slug", flat=True)
            ]
    with translation.override("it"):
        listing = reverse("networks:list")
    found += [f"{listing}?q={word}" for word in words]
    found += [f"{listing}?q={word}&page=2" for word in words]
    found += [f"{listing}?q={word}&theme={themes[0]}" for word in words]
    random.Random(0).shuffle(found)
    return found


def load_new_addresses(environment, options):
    """
    Load gunicorn, page cache on, with every request a new address (wrk going through
    new_addresses() once); return (how many there were, wrk's Load).
    """
    found = new_addresses()
    listed = options.workdir / "new-addresses.txt"
    listed.write_text("\n".join(found) + "\n")
    with_cache = {**environment, "DJANGO_PAGE_CACHE_SECONDS": "600"}
    own = SimpleNamespace(workers=MISS_WORKERS, workdir=options.workdir)
    with Server(with_cache, own) as server:
        wrk(server, TRIVIAL, seconds=1, connections=MISS_CONNECTIONS, timeout=30)
        server.wait_until_idle()
        cache.clear()
        load = wrk(
            server,
            seconds=MISS_SECONDS,
            connections=MISS_CONNECTIONS,
            timeout=30,
            mix=[f"@{listed}"],
        )
    if load.requests > len(found):
        raise SystemExit(f"{load.requests} requests for {len(found)} addresses: some repeated")
    log(f"new addresses: p95 {load.percentiles[95]:.1f} ms, {load.throughput:.0f} req/s")
    return len(found), load


def misses_table(sizes):
    lines = [
        "| networks | addresses | requests | req/s | p50 ms | p95 ms | p99 ms "
        "| other than 2xx, 3xx | socket errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        if size.misses is None:
            continue
        count, load = size.misses
        lines.append(
            f"| {size.networks:,} | {count:,} | {load.requests:,} | {load.throughput:,.1f} "
            f"| {load.percentiles[50]:.1f} | {load.percentiles[95]:.1f} "
            f"| {load.percentiles[99]:.1f} | {load.errors['status']} | {load.socket_errors} |"
        )
    return "\n".join(lines)


MISSES_LEGEND = f"""\
- gunicorn with {MISS_WORKERS} workers and the page cache on, as in production, the cache
  emptied once before; wrk with {MISS_CONNECTIONS} connections for {MISS_SECONDS} s, each
  request a different address (the list's pages in each order and language, filtered by each
  theme and scope, searches for the words the networks have, every network's page, the themes'
  pages), never asked for before: every page a miss of the page cache, built while the cards and
  counts per theme fill the cache as they are met.
- The latency includes the wait in gunicorn's queue ({MISS_CONNECTIONS} connections on
  {MISS_WORKERS} workers)."""


def table(sizes):
    header = "| page or file | target ms |" + "".join(
        f" {size.networks:,}: median ms | p95 ms | queries |" for size in sizes
    )
    lines = [header, "| --- | ---: |" + " ---: | ---: | ---: |" * len(sizes)]
    for name, address, target in sizes[-1].addresses:
        cells = "".join(
            f" {statistics.median(size.cold[name]):.1f} | {percentile(size.cold[name], 95):.1f} "
            f"| {size.queries[name]} |"
            for size in sizes
        )
        lines.append(f"| {name} (`{address}`) | {target} |{cells}")
    return "\n".join(lines)


LEGEND = f"""\
- Each page or file asked for {ATTEMPTS} times, one request at a time, after emptying every
  cache (the page cache is off; the cards, the counts per theme, the vocabulary of the typos
  and the content version are all in Redis, emptied too): built from the database alone.
- **median**, **p95** (nearest rank): of those {ATTEMPTS} responses, in milliseconds, as
  gunicorn answers them on the loopback; the addresses are those of the largest size (at 15
  networks, the same kinds of page: the theme with the most networks, the first network).
- **queries**: the database queries that build the page or file once, the cache emptied."""


def targets(sizes):
    by_size = {size.networks: size for size in sizes}
    lines = []
    if TARGET_SIZE in by_size:
        size = by_size[TARGET_SIZE]
        for name, _address, target in size.addresses:
            p95 = percentile(size.cold[name], 95)
            met = "met" if p95 <= target else "NOT met"
            lines.append(
                f"- {name}, at {TARGET_SIZE:,} networks, p95 ≤ {target} ms: {met} ({p95:.1f} ms)"
            )
    if TARGET_SIZE in by_size:
        p95 = by_size[TARGET_SIZE].misses[1].percentiles[95]
        met = "met" if p95 <= MISS_TARGET_MS else "NOT met"
        lines.append(
            f"- Under load, every request a new address, at {TARGET_SIZE:,} networks, p95 ≤ "
            f"{MISS_TARGET_MS} ms with {MISS_CONNECTIONS} connections on {MISS_WORKERS} "
            f"workers: {met} ({p95:.1f} ms)"
        )
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        differ = [name for name in first.queries if first.queries[name] != last.queries[name]]
        lines.append(
            f"- Queries the same at {first.networks:,} and {last.networks:,} networks: "
            + ("met" if not differ else "NOT met: " + ", ".join(differ))
        )
    return lines


if __name__ == "__main__":
    run(main)
