"""
What the benchmark's scripts share: the site set up as production runs it, on a database and a
Redis database of its own; gunicorn started, watched and stopped; wrk run and its figures read;
the header of every report (when, on what machine, with what software).

bench/measure.py, bench/faults.py and bench/imports.py use it; bench/lib.sh is its shell side.
"""

import argparse
import datetime
import http.client
import io
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import django
import psycopg
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
POSTGRESQL = "postgres://postgres@127.0.0.1:5432/"
# What the TLS proxy in front of gunicorn tells it (the settings trust it: DJANGO_BEHIND_TLS_PROXY).
# Without it production redirects to HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
PERCENTILES = [50, 95, 99]
DEPLOY = ROOT / "deploy"


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(main):
    """Run a script's `main`; SIGTERM stops it as Ctrl-C does, through every `with` block."""
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(128 + signal.SIGTERM))
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(128 + signal.SIGINT)


def arguments(description, *, connections, output, command):
    """Return a parser with the options of every script that serves the site."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--connections", type=int, default=connections, help=f"wrk's, open at once ({connections})"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--workdir", type=Path, required=True, help="for pid and log files")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / output)
    parser.add_argument("--command", default=command, help="as recorded in the report")
    return parser


def sizes_argument(parser, default):
    """Add --sizes: how many networks to measure at, in turn."""
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=default,
        help=f"how many networks in all, comma-separated (default {','.join(map(str, default))})",
    )


def queries_to_build(addresses):
    """Return {address: the queries that build it once, the cache emptied} (test client)."""
    client = Client(headers={"Host": "127.0.0.1", **PROXY_HEADERS})
    counts = {}
    for address in addresses:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        if response.status_code != 200:
            raise SystemExit(f"{address}: HTTP {response.status_code}, expected 200")
        counts[address] = len(queries)
    return counts


# The site


def set_up(workdir, *, database, redis, sqlite=False, **own_environment):
    """
    Set the site up as production runs it (DEBUG off, static files collected, the cache in
    Redis), on the PostgreSQL database `database` made afresh, or on SQLite in `workdir`, with the
    demo content; return the environment for the servers.

    `own_environment`: variables for this process only, not for the servers.
    """
    os.environ.update(
        DJANGO_SETTINGS_MODULE="modena_networks.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-only-not-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # As behind production's TLS proxy: the clients send PROXY_HEADERS, so no page redirects.
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(workdir / "private-media"),
        REDIS_URL=redis,
        DATABASE_URL=f"sqlite:///{workdir / database}.sqlite3" if sqlite else POSTGRESQL + database,
    )
    # Production's defaults, whatever the caller's shell says.
    for name in ("DJANGO_PAGE_CACHE_SECONDS", "DJANGO_CONN_MAX_AGE"):
        os.environ.pop(name, None)
    servers = dict(os.environ)
    os.environ.update(own_environment)
    if not sqlite:
        fresh_database(database)
    django.setup()
    log("--- database, demo content and static files")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()  # the pages of an earlier run
    return servers


def fresh_database(name):
    with psycopg.connect(POSTGRESQL + "postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')


def add_synthetic(networks):
    """Replace the synthetic networks by `networks` new ones (populate_synthetic)."""
    call_command("populate_synthetic", networks=networks, stdout=io.StringIO())
    # Planner statistics as a database that grew over time would have them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def populate(size):
    """Leave `size` networks in the database: the real (demo) ones and synthetic ones."""
    from networks.management.commands.populate_synthetic import PREFIX
    from networks.models import Network

    real = Network.objects.exclude(slug__startswith=PREFIX).count()
    if size < real:
        raise SystemExit(f"The database has {real} real networks: ask for at least as many.")
    add_synthetic(size - real)
    assert Network.objects.count() == size


# The server


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float


class Server:
    """gunicorn on a free port of the loopback, stopped on leaving the `with` block."""

    def __init__(self, environment, options, *, capture_output=False, deployed=False, port=None):
        """
        `deployed`: with the settings of deploy/gunicorn.conf.py, as the systemd units run it;
        `port`: the loopback port, a free one if None.
        """
        self.environment = environment
        self.workers = options.workers
        self.deployed = deployed
        self.port = port or free_port()
        self.log = options.workdir / f"gunicorn-{self.port}.log"
        # bench/lib.sh stops the server from this file if this process cannot.
        self.pidfile = options.workdir / f"gunicorn-{self.port}.pid"
        # Django's log lines too (errors with their traceback) into the log file.
        self.capture_output = capture_output

    def __enter__(self):
        command = [Path(sys.executable).with_name("gunicorn"), "modena_networks.wsgi"]
        command += ["--config", DEPLOY / "gunicorn.conf.py"] if self.deployed else []
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        command += ["--pid", self.pidfile, "--error-logfile", self.log]
        command += ["--capture-output"] if self.capture_output else []
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

    def stop(self, graceful=False):
        # SIGINT: gunicorn's quick shutdown; SIGTERM, as `systemctl stop` sends: the requests
        # under way are answered first.
        self.process.send_signal(signal.SIGTERM if graceful else signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log}")
            try:
                self.request("/robots.txt")
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer in a minute: see {self.log}")

    def url(self, address):
        return f"http://127.0.0.1:{self.port}{address}"

    def request(self, address, headers=PROXY_HEADERS, timeout=120):
        """Ask for `address` on a connection of its own; return the Response, timed."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        return timed_get(client, address, headers)

    # What the workers do, from /proc (Linux only)

    def workers_stat(self):
        """Return {pid: the fields of /proc/<pid>/stat after the name} of each worker."""
        workers = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue  # gone meanwhile
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[1]) == self.process.pid:  # its parent
                workers[int(stat.parent.name)] = fields
        return workers

    def worker_pids(self):
        return sorted(self.workers_stat())

    def cpu_ticks(self):
        """Return the CPU time the workers have used so far, in clock ticks."""
        return sum(int(fields[11]) + int(fields[12]) for fields in self.workers_stat().values())

    def rss_mib(self):
        """Return the resident memory of gunicorn's master and workers together, in MiB."""
        total_kib = 0
        for pid in [self.process.pid, *self.workers_stat()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        return total_kib / 1024

    def wait_until_idle(self):
        """
        Wait until the workers stop using the CPU.

        When wrk stops, the requests it sent are still queued or being answered: without this
        wait, a slow page's leftovers would slow down whatever is measured next.
        """
        deadline = time.monotonic() + 300
        ticks = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            ticks, previous = self.cpu_ticks(), ticks
            if ticks == previous:
                return


def timed_get(client, address, headers):
    """GET `address` on `client`, a connection of its own, then close it; return the Response."""
    try:
        started = time.perf_counter()
        client.request("GET", address, headers=headers)
        response = client.getresponse()
        body = response.read()
        return Response(response.status, response.headers, body, time.perf_counter() - started)
    finally:
        client.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


NGINX = "/usr/sbin/nginx"
# Each response's time, status and the instance that answered (all those tried, in order).
NGINX_LOG_FORMAT = "$msec $status $upstream_addr"


def nginx_site(servers, workdir, port, redirect_port, certificate):
    """
    Return deploy/nginx/modena-networks.conf as it is but for what the loopback needs: the
    instances' ports, the folders of the work folder, its own ports and certificate.
    """
    text = (DEPLOY / "nginx" / "modena-networks.conf").read_text()
    upstream = "".join(
        f"    server 127.0.0.1:{server.port} max_fails=1 fail_timeout=10s;\n" for server in servers
    )
    text, count = re.subn(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", upstream, text)
    replacements = [
        (r"listen 80;", f"listen 127.0.0.1:{redirect_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl;"),
        (r"\n *listen \[::\]:\d+[^;]*;", ""),
        (r"ssl_certificate [^;]*;", f"ssl_certificate {certificate}.crt;"),
        (r"ssl_certificate_key [^;]*;", f"ssl_certificate_key {certificate}.key;"),
        (r"/srv/networks/", f"{workdir}/"),
    ]
    for pattern, replacement in replacements:
        text, found = re.subn(pattern, replacement, text)
        count = count and found
    if not count:
        raise SystemExit(f"{DEPLOY / 'nginx'}: not the configuration bench/common.py expects")
    return text


class Proxy:
    """
    Debian's nginx on the loopback, with deploy/nginx/modena-networks.conf, in front of
    `servers`; stopped on leaving the `with` block. It answers HTTPS with a certificate of its
    own (the clients do not check it), and logs NGINX_LOG_FORMAT in `access_log`.
    """

    def __init__(self, servers, workdir):
        self.workdir = workdir
        self.port, self.redirect_port = free_port(), free_port()
        self.access_log = workdir / "nginx-access.log"
        self.log = workdir / "nginx-error.log"
        self.config = workdir / "nginx.conf"
        certificate = workdir / "proxy"
        command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        command += ["-subj", "/CN=127.0.0.1", "-keyout", f"{certificate}.key"]
        command += ["-out", f"{certificate}.crt"]
        subprocess.run(
            command,
            check=True,
            capture_output=True,
        )
        site = nginx_site(servers, workdir, self.port, self.redirect_port, certificate)
        # The workers read the work folder, which only its owner may (mktemp): as root, nginx
        # would run them as nobody.
        user = "user root;" if os.getuid() == 0 else ""
        self.config.write_text(
            f"""{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {self.log} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format upstreams '{NGINX_LOG_FORMAT}';
    access_log {self.access_log} upstreams;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
{site}
}}
"""
        )

    def check(self):
        """Return what `nginx -t` finds wrong with the configuration, or None."""
        test = subprocess.run([NGINX, "-t", "-c", self.config], capture_output=True, text=True)
        return test.stderr if test.returncode else None

    def __enter__(self):
        if problem := self.check():
            raise SystemExit(f"nginx refuses {self.config}:\n{problem}")
        self.process = subprocess.Popen(
            [NGINX, "-c", self.config, "-g", "daemon off;"], start_new_session=True
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("/robots.txt")
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"nginx did not start: see {self.log}") from None
                time.sleep(0.2)

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # nginx's graceful shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def url(self, address):
        return f"https://127.0.0.1:{self.port}{address}"

    def request(self, address, headers=None, timeout=120):
        """Ask for `address` over HTTPS on a connection of its own; return the Response, timed."""
        client = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=timeout, context=ssl._create_unverified_context()
        )
        return timed_get(client, address, headers or {})

    def answered(self):
        """Return [(time, status, [instance ports tried])] of the access log so far."""
        entries = []
        for line in self.access_log.read_text().splitlines():
            moment, status, *upstreams = line.replace(",", " ").split()
            ports = [int(upstream.rsplit(":", 1)[1]) for upstream in upstreams if ":" in upstream]
            entries.append((float(moment), int(status), ports))
        return entries


# The load


@dataclass
class Load:
    """What wrk reported of one run (bench/wrk.lua); latencies in milliseconds."""

    requests: int
    seconds: float
    percentiles: dict
    max_ms: float
    # The latency at every half percent (0.5, 1, …, 100), when wrk gave them.
    quantiles: list
    # By kind: connect, read, write, timeout, and status (a response other than 2xx or 3xx).
    errors: dict
    # Responses by status, when wrk went round a mix of addresses.
    statuses: dict

    @property
    def socket_errors(self):
        return sum(self.errors[kind] for kind in ("connect", "read", "write", "timeout"))

    @property
    def throughput(self):
        return self.requests / self.seconds


def wrk(
    server,
    address="/",
    *,
    seconds,
    connections,
    timeout,
    headers=PROXY_HEADERS,
    mix=(),
    while_running=None,
):
    """
    Load `address` with wrk for `seconds`, or go round the addresses of `mix` ("{n}" in one
    becomes the request's number); return the Load. `timeout`: a response's, in seconds;
    `while_running(process)` is called while wrk runs.
    """
    command = ["wrk", "--threads", "1", "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--timeout", f"{timeout}s", "--script", WRK_SCRIPT]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command += [server.url(address), *(["--", *mix] if mix else [])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        if while_running:
            while_running(process)
        output, _errors = process.communicate(timeout=seconds + timeout + 30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise SystemExit(f"wrk failed ({process.returncode}) on {server.url(address)}")
    figures = json.loads(output.strip().splitlines()[-1])
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        percentiles={p: figures[f"p{p}_us"] / 1000 for p in PERCENTILES},
        max_ms=figures["max_us"] / 1000,
        quantiles=[value / 1000 for value in figures["quantiles_us"]],
        errors=figures["errors"],
        statuses={int(status): n for status, n in figures["statuses"].items()},
    )


# The report


class Report:
    """A run's report: when, on what machine, with what software, then its sections."""

    def __init__(self, title, command, *, workers=None, behind_proxy=True, load=True):
        """
        `workers`: gunicorn's, for a run that serves the site as production does;
        `behind_proxy`: its requests say HTTPS as the TLS proxy would; `load`: wrk loads it.
        """
        self.title = title
        self.command = command
        self.started = datetime.datetime.now().astimezone()
        self.load_before = os.getloadavg()[0]
        # Read now: the faults take the database and Redis away later.
        software = [f"Python {platform.python_version()}", database_version()]
        if settings.REDIS_URL:
            software.append(redis_version())
        software.append(f"Django {django.get_version()}")
        self.served = bool(workers)
        self.behind_proxy = behind_proxy
        if workers:
            software.append(f"gunicorn {version('gunicorn')} with {workers} sync workers")
            if load:
                software.append(wrk_version())
        self.software = ", ".join(software)

    def text(self, *sections, details=()):
        """Return the report in Markdown; `details`: lines of the header after the software."""
        header = [
            f"- Run: {self.started:%Y-%m-%d %H:%M %Z}, `{self.command}`",
            f"- Machine: {os.cpu_count()} cores ({cpu_model()}), load average "
            f"{self.load_before:.2f} before and {os.getloadavg()[0]:.2f} after",
            f"- Software: {self.software}",
            *details,
        ]
        if self.served:
            https = (
                "HTTPS as told by the proxy header `X-Forwarded-Proto: https`"
                if self.behind_proxy
                else "plain HTTP (no redirect to HTTPS)"
            )
            header.append(
                "- Settings as in production: DEBUG off, static files collected (WhiteNoise), "
                f"{https}, everything on the loopback"
            )
        return "\n\n".join([f"# {self.title}", "\n".join(header), *sections]) + "\n"

    def write(self, path, *sections, details=()):
        """Write the report to `path`; return its text."""
        text = self.text(*sections, details=details)
        path.write_text(text)
        log(f"Written to {path}.")
        return text


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


def redis_version():
    return f"Redis {redis.Redis.from_url(settings.REDIS_URL).info('server')['redis_version']}"


def wrk_version():
    answer = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return " ".join((answer.stdout or answer.stderr).split()[:2])
