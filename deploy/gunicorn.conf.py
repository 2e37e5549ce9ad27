"""
gunicorn's settings for an instance of the site (deploy/systemd/modena-networks@.service):

    gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:8001 modena_networks.wsgi
"""

import os

# Sync workers: each answers one request at a time, and the database's connections are theirs.
# Two or three per core.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A request still running after this long is stopped and its worker replaced: nginx waits a
# little longer (proxy_read_timeout) and answers 504.
timeout = 30
# On `systemctl stop` or a restart (SIGTERM), requests under way are finished first: nginx
# sends the new ones to the other instances meanwhile.
graceful_timeout = 25
# nginx keeps connections open to the instances (keepalive in its upstream).
keepalive = 30
# Its heartbeat files in memory, not on a disk that may be slow.
worker_tmp_dir = "/dev/shm"
# The access log is nginx's; errors, and Django's log lines, go to the journal.
errorlog = "-"
capture_output = True
