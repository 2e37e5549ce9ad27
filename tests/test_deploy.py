"""The deployment in deploy/: what nginx, gunicorn and systemd are given fits the site."""

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import get_commands

from bench.common import NGINX, Proxy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX_CONF = (DEPLOY / "nginx" / "modena-networks.conf").read_text()
UNITS = DEPLOY / "systemd"


def environment_file():
    """Return the settings of deploy/modena-networks.env: {name: value}."""
    lines = (DEPLOY / "modena-networks.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def unit(name):
    """Return the settings of a systemd unit: {name: [values]}."""
    found = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def location(path):
    """Return the body of `location path { … }` in nginx's HTTPS server."""
    https = NGINX_CONF[NGINX_CONF.index("listen 443 ssl") :]
    return re.search(rf"location {re.escape(path)} \{{(.*?)\n    \}}", https, re.S)[1]


def url_path(setting):
    return "/" + setting.lstrip("/")


@pytest.mark.skipif(not Path(NGINX).exists(), reason=f"nginx is not installed ({NGINX})")
def test_nginx_accepts_the_configuration(tmp_path):
    # As bench/faults runs it: the loopback's ports, folders and certificate, nothing else.
    proxy = Proxy([SimpleNamespace(port=8001), SimpleNamespace(port=8002)], tmp_path)
    assert proxy.check() is None


def test_nginx_publishes_the_static_files_and_the_logos_never_the_documents():
    environment = environment_file()
    assert f"alias {environment['DJANGO_STATIC_ROOT']}/;" in location(url_path(settings.STATIC_URL))
    assert f"alias {environment['MEDIA_ROOT']}/;" in location(url_path(settings.MEDIA_URL))
    assert environment["DJANGO_PRIVATE_MEDIA_ROOT"] not in NGINX_CONF
    # Everything else, the documents' address included, goes to the site.
    assert "proxy_pass http://modena_networks;" in location("/")


def test_nginx_sends_the_headers_the_settings_trust_behind_it():
    assert environment_file()["DJANGO_BEHIND_TLS_PROXY"] == "1"
    proxied = location("/")
    # SECURE_PROXY_SSL_HEADER; the visitor's address last (DJANGO_PROXY_COUNT's default, 1);
    # the request ID that the logs show (modena_networks.logs).
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxied
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxied
    assert "proxy_set_header X-Request-ID $request_id;" in proxied
    assert "proxy_set_header Host $host;" in proxied
    # A 503 (the database down) is the same on every instance: not retried on another.
    assert re.search(r"proxy_next_upstream error timeout;", proxied)


def test_nginx_takes_no_larger_upload_than_it_must():
    from networks.validators import DOCUMENT_MAX_BYTES

    limit = int(re.search(r"client_max_body_size (\d+)m;", NGINX_CONF)[1]) * 1024 * 1024
    assert DOCUMENT_MAX_BYTES < limit <= 2 * DOCUMENT_MAX_BYTES


def test_every_setting_of_the_environment_file_is_read_by_the_site():
    read = (ROOT / "modena_networks" / "settings.py").read_text()
    read += (DEPLOY / "gunicorn.conf.py").read_text()
    # DATABASE_URL is dj-database-url's.
    unread = [name for name in environment_file() if f'"{name}"' not in read]
    assert unread == ["DATABASE_URL"]
    # Copied as it is, the file starts no site with a key anyone can read here.
    assert environment_file()["DJANGO_SECRET_KEY"] == ""


def test_gunicorn_accepts_its_configuration():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    config = DEPLOY / "gunicorn.conf.py"
    checked = subprocess.run(
        [gunicorn, "--config", config, "--check-config", "modena_networks.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "only-for-this-test"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr


def test_an_instance_runs_gunicorn_with_its_configuration_and_writes_only_the_uploads():
    instance = unit("modena-networks@.service")
    [command] = instance["ExecStart"]
    [folder] = instance["WorkingDirectory"]
    assert command.startswith(f"{folder}/.venv/bin/gunicorn --config deploy/gunicorn.conf.py ")
    assert "--bind 127.0.0.1:%i" in command
    assert instance["EnvironmentFile"] == ["/etc/modena-networks.env"]
    environment = environment_file()
    writable = instance["ReadWritePaths"][0].split()
    assert environment["MEDIA_ROOT"] in writable
    assert environment["DJANGO_PRIVATE_MEDIA_ROOT"] in writable
    # Every port of the upstream is an instance's.
    ports = re.findall(r"server 127\.0\.0\.1:(\d+)", NGINX_CONF)
    assert len(ports) >= 2
    assert all(f"modena-networks@{port}" in (ROOT / "README.md").read_text() for port in ports)


@pytest.mark.parametrize("job", ["links", "schedule", "digest", "opendata"])
def test_each_job_runs_a_command_of_the_site_from_its_timer(job):
    service = unit(f"modena-networks-{job}.service")
    [command] = service["ExecStart"]
    name = re.search(r"manage\.py (\w+)", command)[1]
    assert name in get_commands()
    assert service["Type"] == ["oneshot"]
    assert unit(f"modena-networks-{job}.timer")["OnCalendar"]
