"""WSGI entry point, as used by gunicorn: `gunicorn modena_networks.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modena_networks.settings")

application = get_wsgi_application()
