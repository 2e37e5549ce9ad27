"""
Audit the public pages as a phone sees them: Lighthouse (mobile, three runs a page, the median
kept) and axe-core, on every kind of page in both languages, served by gunicorn with the
production settings and the demo content.

bench/audit (make audit) installs Lighthouse and runs this module; bench/README.md says what the
figures mean. Not in CI: it takes minutes and its timings follow the machine.
"""

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from bench.common import Report, Server, arguments, log, run, set_up

DATABASE = "audit"
# Database 11: bench/search uses 12, bench/faults 13, bench/run 14, the tests empty 15.
REDIS_URL = "redis://127.0.0.1:6379/11"
CHROMIUM = "/usr/bin/chromium"

FILTERS = "q=europ&theme=clima-ed-energia&theme=giovani"
PAGES = [
    ("list", "/it/reti/", "/en/networks/"),
    ("filtered list", f"/it/reti/?{FILTERS}", f"/en/networks/?{FILTERS}"),
    ("network", "/it/reti/citta-creative-unesco/", "/en/networks/citta-creative-unesco/"),
    ("theme", "/it/temi/clima-ed-energia/", "/en/themes/clima-ed-energia/"),
    ("overview", "/it/reti/panoramica/", "/en/networks/overview/"),
    ("full text", "/it/reti/testo-completo/", "/en/networks/full-text/"),
    ("open data", "/it/dati-aperti/", "/en/open-data/"),
    ("legal notes", "/it/note-legali/", "/en/legal-notes/"),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
RUNS = 3
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

# The targets of the issue that asked for this audit (16: the public site, point 2).
TARGETS = {
    "performance": 90,
    "accessibility": 100,
    "best-practices": 100,
    "seo": 100,
    "LCP": 2.5,
    "CLS": 0.05,
    "TBT": 150,
}
TARGET_PAGES = {"list", "network", "theme"}


def main():
    options = parse_arguments()
    environment = set_up(options.workdir, database=DATABASE, redis=REDIS_URL, sqlite=True)
    # Plain HTTP on the loopback: Lighthouse fetches robots.txt without the proxy's header, and
    # would be redirected to an HTTPS nobody serves.
    environment["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    report = Report(
        "Audit of the public pages",
        options.command,
        workers=options.workers,
        behind_proxy=False,
        load=False,
    )
    audited = []
    with Server(environment, options) as server:
        for name, *addresses in PAGES:
            for address in addresses:
                server.request(
                    address, headers={}
                )  # built once, as a visitor after another would find it
                page = Page(name, address)
                page.runs = [
                    lighthouse(options.lighthouse, server.url(address)) for _ in range(RUNS)
                ]
                page.axe = axe(server.url(address))
                log(page.line())
                audited.append(page)
    table = markdown_table(audited)
    print(table)
    version = subprocess.run(
        [options.lighthouse, "--version"], capture_output=True, text=True
    ).stdout.strip()
    report.write(
        options.output,
        table,
        legend(version),
        "## Targets\n\n" + "\n".join(targets(audited)),
    )


def parse_arguments():
    parser = arguments(
        __doc__.split("\n\n")[0], connections=1, output="audit.md", command="make audit"
    )
    parser.add_argument("--lighthouse", required=True, help="the lighthouse command")
    return parser.parse_args()


@dataclass
class Page:
    name: str
    address: str
    runs: list = field(default_factory=list)
    axe: list = field(default_factory=list)

    def median(self, key):
        return statistics.median(run[key] for run in self.runs)

    def line(self):
        scores = " ".join(f"{c} {self.median(c):.0f}" for c in CATEGORIES)
        return (
            f"{self.address:<45} {scores}  LCP {self.median('LCP'):.2f} s  "
            f"CLS {self.median('CLS'):.3f}  TBT {self.median('TBT'):.0f} ms  "
            f"axe {len(self.axe)}"
        )


# Lighthouse 12 sometimes fails to record a page load (NO_NAVSTART: "Please run Lighthouse
# again"): a run is tried this many times.
ATTEMPTS = 3


def lighthouse(command, url):
    """Return one Lighthouse run of `url` on a phone: the categories' scores and three metrics."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return lighthouse_run(command, url)
        except LighthouseError as error:
            log(f"{url}: {error} (attempt {attempt} of {ATTEMPTS})")
            if attempt == ATTEMPTS:
                raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}: {error}") from None


class LighthouseError(Exception):
    pass


def lighthouse_run(command, url):
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        finished = subprocess.run(
            [
                command,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={output.name}",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
        )
        if finished.returncode != 0:
            raise LighthouseError(finished.stderr.strip().splitlines()[-1:] or finished.returncode)
        result = json.loads(Path(output.name).read_text())
    if result.get("runtimeError"):
        raise LighthouseError(result["runtimeError"]["message"])
    if failed := [name for name in CATEGORIES if result["categories"][name]["score"] is None]:
        errors = {
            name: audit.get("errorMessage")
            for name, audit in result["audits"].items()
            if audit.get("errorMessage")
        }
        raise LighthouseError(f"could not score {', '.join(failed)}: {errors}")
    audits = result["audits"]
    figures = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    figures["LCP"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    figures["CLS"] = audits["cumulative-layout-shift"]["numericValue"]
    figures["TBT"] = audits["total-blocking-time"]["numericValue"]
    return figures


def axe(url):
    """Return axe-core's violations on `url`, on a phone's screen: "rule (impact)" each."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(url, wait_until="networkidle")
            violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        finally:
            browser.close()
    return [f"{violation['id']} ({violation['impact']})" for violation in violations]


# The report


def markdown_table(pages):
    lines = [
        "| page | address | performance | accessibility | best practices | SEO "
        "| LCP s | CLS | TBT ms | axe |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in pages:
        scores = " | ".join(f"{page.median(c):.0f}" for c in CATEGORIES)
        violations = ", ".join(page.axe) or "none"
        lines.append(
            f"| {page.name} | `{page.address}` | {scores} | {page.median('LCP'):.2f} "
            f"| {page.median('CLS'):.3f} | {page.median('TBT'):.0f} | {violations} |"
        )
    return "\n".join(lines)


def legend(version):
    return f"""\
- Lighthouse {version}, its mobile defaults (a mid-range phone on a slow 4G connection,
  simulated), Debian's Chromium; each figure is the median of {RUNS} runs. The page is asked
  for once before, so that it is measured as the visitors after the first find it.
- **LCP**: largest contentful paint; **CLS**: cumulative layout shift; **TBT**: total blocking
  time.
- **axe**: axe-core's violations of WCAG 2.1 A and AA and its best practices, on a 390 px
  screen."""


def targets(pages):
    lines = []
    for page in pages:
        if page.name not in TARGET_PAGES:
            continue
        missed = []
        for key, target in TARGETS.items():
            value = page.median(key)
            below = key in CATEGORIES
            if (value < target) if below else (value > target):
                missed.append(f"{key} {value:g} (target {'≥' if below else '≤'} {target:g})")
        if page.axe:
            missed.append("axe: " + ", ".join(page.axe))
        verdict = "met" if not missed else "NOT met: " + "; ".join(missed)
        lines.append(f"- {page.name} `{page.address}`: {verdict}")
    return lines


if __name__ == "__main__":
    run(main)
