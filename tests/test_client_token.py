"""The PISTE token: shared by every client of a process, asked again patiently on a refusal burst."""

from __future__ import annotations

import pytest

from chorus.client import TOKEN_ATTEMPTS, ChorusClient
from chorus.errors import AuthenticationError


class Waits(list):
    """Records the back-off asked instead of sleeping (tests never wait)."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.mark.parametrize("status", [400, 401])
def test_a_transient_invalid_client_burst_is_retried_with_back_off(sandbox, status):
    waits = Waits()
    client = ChorusClient.for_sandbox(sandbox.url, sleep=waits)
    sandbox.control.fault("invalid_client", "token", times=TOKEN_ATTEMPTS - 1, status=status)
    assert client.vat_rates()
    assert client.calls["token"] == TOKEN_ATTEMPTS
    assert len(waits) == TOKEN_ATTEMPTS - 1 and waits == sorted(waits) and waits[0] > 0


def test_credentials_refused_on_every_attempt_are_reported_wrong(sandbox):
    waits = Waits()
    client = ChorusClient.for_sandbox(sandbox.url, client_secret="wrong", sleep=waits)
    with pytest.raises(AuthenticationError) as caught:
        client.fetch_token()
    assert caught.value.party == AuthenticationError.PISTE
    assert client.calls["token"] == TOKEN_ATTEMPTS, "bounded"
    assert len(waits) == TOKEN_ATTEMPTS - 1


def test_one_token_for_every_client_of_the_same_application(sandbox):
    """A batch building one client per invoice makes one token call, not one per invoice."""
    clients = [ChorusClient.for_sandbox(sandbox.url) for _ in range(20)]
    for client in clients:
        client.vat_rates()
    assert sum(client.calls["token"] for client in clients) <= 1
    assert sandbox.control.stats().get("token", 0) <= 1


def test_another_application_gets_its_own_token(sandbox):
    ChorusClient.for_sandbox(sandbox.url).vat_rates()
    other = ChorusClient.for_sandbox(sandbox.url, client_id="nobody", sleep=Waits())
    with pytest.raises(AuthenticationError):
        other.vat_rates()


def test_a_token_revoked_by_the_server_is_dropped_for_every_client(sandbox):
    first, second = ChorusClient.for_sandbox(sandbox.url), ChorusClient.for_sandbox(sandbox.url)
    first.vat_rates()
    sandbox.control.fault("expire_token", "transverses/v1/recuperer/tauxtva")
    first.vat_rates()
    second.vat_rates()
    assert first.calls["token"] + second.calls["token"] <= 2
