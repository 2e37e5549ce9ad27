"""Logging in to the admin: locked after five failures, per username and address."""

import pytest
from django.urls import reverse

from modena_networks.clients import client_ip

from .factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


# The editor of conftest.py, from one address.
def log_in(client, password, username="redattrice", address="10.1.1.1", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_a_correct_password_logs_in(client, editor):
    assert log_in(client, PASSWORD).status_code == 302


def test_five_failures_lock_the_username_from_that_address_with_a_message(client, editor):
    for _attempt in range(4):
        assert log_in(client, "wrong").status_code == 200
    assert log_in(client, "wrong").status_code == 429  # the fifth failure locks
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Accesso bloccato" in content
    assert "Troppi tentativi" in content
    # Another address, or another username from this one, is not locked.
    assert log_in(client, PASSWORD, address="10.2.2.2").status_code == 302
    colleague = StaffFactory()
    assert log_in(client, PASSWORD, username=colleague.username).status_code == 302


def test_behind_a_proxy_the_visitor_s_address_is_read_from_forwarded_for(rf, settings):
    settings.PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    # The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
    assert client_ip(request) == "203.0.113.7"
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
