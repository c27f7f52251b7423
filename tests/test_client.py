"""ChorusClient against the sandbox, over real HTTP on 127.0.0.1 (no mocks)."""

import datetime
import logging
import re
import socket
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from facturx_samples import build_facturx_pdf

from chorus import parsing, values
from chorus.client import ENVIRONMENTS, ChorusClient
from chorus.errors import (
    AccessDeniedError,
    AuthenticationError,
    BusinessError,
    ConnectionFailedError,
    MalformedAnswerError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from chorus.sandbox import seed

SAMPLE = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect/chorus/samples/facture-demo.pdf"
SUPPLIER_SIRET = "73282932000074"
MINISTRY = "11000201100044"
TOWN = "21750001600019"
PUBLIC_BODY = "13000226400005"
HOSPITAL = "26750045200201"
SCHOOL = "19751720400032"
COMMUNITY = "20005478100014"
INACTIVE = "21690123100011"
DEPOSIT_ROUTE = "factures/v1/deposer/flux"


# ------------------------------------------------------------------ helpers


def control(sandbox, path, **body):
    response = requests.post(f"{sandbox.url}/_sandbox/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json() if response.content else {}


def inject(sandbox, route, fault, **options):
    control(sandbox, "faults", route=route, fault=fault, **options)


def advance(sandbox, seconds):
    control(sandbox, "clock", advance=seconds)


def invoice_pdf(number: str) -> bytes:
    """A valid Factur-X invoice under its own number (the sandbox refuses a number twice)."""
    return build_facturx_pdf(number=number)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def client(sandbox):
    return ChorusClient.for_sandbox(sandbox.url, timeout=10)


@pytest.fixture
def deposited(client, sandbox):
    """A deposited sample invoice, integrated and moved to the end of its lifecycle."""
    receipt = client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    advance(sandbox, 3600)
    return receipt


def supplier_id(client):
    return next(s for s in client.supplier_structures() if s.identifier == SUPPLIER_SIRET).structure_id


# -------------------------------------------------------------- construction


def test_environments_point_at_piste():
    client = ChorusClient.for_environment(
        "production", client_id="a", client_secret="b", login="c", password="d"
    )
    assert (client.token_url, client.api_url) == ENVIRONMENTS["production"]
    assert (
        "sandbox-api"
        in ChorusClient.for_environment(
            "qualification", client_id="a", client_secret="b", login="c", password="d"
        ).api_url
    )
    with pytest.raises(ValueError):
        ChorusClient.for_environment("sandbox", client_id="a", client_secret="b", login="c", password="d")


def test_repr_never_shows_secrets(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url)
    assert "sandbox-password" not in repr(client) and "sandbox-client-secret" not in repr(client)


# ------------------------------------------------------------------ token


def test_token_is_cached_until_60_seconds_before_expiry(sandbox):
    clock = FakeClock()
    client = ChorusClient.for_sandbox(sandbox.url, clock=clock)
    client.vat_rates()
    client.vat_rates()
    assert client.calls["token"] == 1
    clock.now += 3600 - 61
    client.health_check()
    assert client.calls["token"] == 1
    clock.now += 1
    client.vat_rates()
    assert client.calls["token"] == 2


def test_fetch_token_forces_a_new_token(client):
    first = client.fetch_token()
    assert client.fetch_token() and client.calls["token"] == 2
    assert isinstance(first, str)


def test_wrong_client_secret_blames_the_piste_application(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, client_secret="wrong")
    with pytest.raises(AuthenticationError) as caught:
        client.vat_rates()
    assert caught.value.party == "piste"
    assert caught.value.endpoint == "token"
    assert caught.value.detail


def test_wrong_client_id_blames_the_piste_application(sandbox):
    with pytest.raises(AuthenticationError) as caught:
        ChorusClient.for_sandbox(sandbox.url, client_id="nobody").fetch_token()
    assert caught.value.party == AuthenticationError.PISTE


def test_wrong_technical_password_blames_the_account_after_one_retry(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, password="wrong")
    with pytest.raises(AuthenticationError) as caught:
        client.vat_rates()
    assert caught.value.party == "account"
    assert "password" in caught.value.detail.lower() or "login" in caught.value.detail.lower()
    assert client.calls["transverses/v1/recuperer/tauxtva"] == 2
    assert client.calls["token"] == 2


def test_wrong_technical_login_blames_the_account(sandbox):
    with pytest.raises(AuthenticationError) as caught:
        ChorusClient.for_sandbox(sandbox.url, login="TECH_1_NOBODY@cpro.fr").supplier_structures()
    assert caught.value.party == AuthenticationError.ACCOUNT


def test_expired_token_mid_batch_is_refetched_transparently(client, sandbox):
    client.vat_rates()
    inject(sandbox, "*", "expire_token", times=1)
    for _ in range(3):
        assert client.vat_rates()
    assert client.calls["token"] == 2
    assert client.calls["transverses/v1/recuperer/tauxtva"] == 5


def test_token_expired_by_sandbox_time_is_refetched(client, sandbox):
    client.supplier_structures()
    advance(sandbox, 7200)
    assert client.supplier_structures()
    assert client.calls["token"] == 2


# -------------------------------------------------------------- endpoints


def test_health_check_and_vat_rates(client):
    assert client.health_check() is True
    rates = client.vat_rates()
    assert rates and all(isinstance(rate, dict) for rate in rates)


def test_supplier_structures_include_the_demo_supplier(client):
    structures = client.supplier_structures()
    supplier = next(s for s in structures if s.identifier == SUPPLIER_SIRET)
    assert supplier.structure_id > 0 and supplier.active


def test_bank_accounts_of_the_supplier(client):
    accounts = client.bank_accounts(supplier_id(client))
    assert accounts and accounts[0].bank_account_id > 0
    assert accounts[0].name == seed.SUPPLIER_BANK_ACCOUNT_NAME


def test_supplier_structure_details_give_the_password_expiry(client):
    details = client.structure_details(supplier_id(client))
    assert details.identifier == SUPPLIER_SIRET
    assert isinstance(details.password_expiry, datetime.datetime)


@pytest.mark.parametrize(
    "siret, requirement",
    [
        (MINISTRY, values.REQUIREMENT_SERVICE_AND_ENGAGEMENT),
        (TOWN, values.REQUIREMENT_SERVICE),
        (PUBLIC_BODY, values.REQUIREMENT_ENGAGEMENT),
        (HOSPITAL, values.REQUIREMENT_SERVICE_OR_ENGAGEMENT),
        (SCHOOL, values.REQUIREMENT_NONE),
        (COMMUNITY, values.REQUIREMENT_NONE),
    ],
)
def test_buyer_requirement_follows_the_decision_table(client, siret, requirement):
    structure = client.find_structure(siret)
    assert structure.identifier == siret and structure.active
    details = client.structure_details(structure.structure_id)
    assert details.public and details.requirement == requirement
    assert details.name


def test_school_does_not_report_payment(client):
    details = client.structure_details(client.find_structure(SCHOOL).structure_id)
    assert details.payment_status_not_reported
    assert not client.structure_details(
        client.find_structure(COMMUNITY).structure_id
    ).payment_status_not_reported


def test_inactive_structure_is_found_as_inactive(client):
    assert client.find_structure(INACTIVE).active is False


def test_unknown_siret_finds_nothing(client):
    assert client.find_structure("35600000000048") is None


def test_town_services_include_inactive_and_public_invoices_service(client):
    services = {s.code: s for s in client.structure_services(client.find_structure(TOWN).structure_id)}
    assert services["SERV-COMPTA"].active
    assert not services["SERV-ANCIEN"].active
    assert values.PUBLIC_INVOICES_SERVICE in services


def test_services_are_read_beyond_the_first_page(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, page_size=7)
    services = client.structure_services(client.find_structure(MINISTRY).structure_id)
    assert len(services) >= 30
    assert len({s.service_id for s in services}) == len(services)
    assert client.calls["structures/v1/rechercher/services"] == -(-len(services) // 7)


def test_hospital_service_requires_an_engagement(client):
    hospital = client.find_structure(HOSPITAL).structure_id
    details = [client.service_details(hospital, s.service_id) for s in client.structure_services(hospital)]
    assert any(d.engagement_required for d in details)
    assert all(d.code for d in details)


def test_engagements_of_the_supplier(client):
    supplier = supplier_id(client)
    found = client.search_engagements(supplier, "EJ-2026-0001")
    assert [e.number for e in found] == ["EJ-2026-0001"]
    assert client.search_engagements(supplier, "EJ-INCONNU") == []


def test_deposit_returns_a_flow_number(client):
    receipt = client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert re.fullmatch(r"CPP001\d{19}", receipt.flow_number)
    assert isinstance(receipt.deposit_date, datetime.date)
    assert receipt.syntax == values.SYNTAX_FACTURX


def test_flow_is_pending_then_integrated(client, sandbox):
    receipt = client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    pending = client.flow_report(receipt.flow_number)
    assert pending.state not in ("IN_INTEGRE", "IN_REJETE", "IN_INTEGRE_PARTIEL")
    advance(sandbox, 600)
    report = client.flow_report(receipt.flow_number)
    assert report.state == "IN_INTEGRE"
    assert isinstance(report.deposited_at, datetime.datetime) and report.deposited_at.tzinfo is None
    assert report.invoice_errors == () and report.technical_errors == ()


def test_unknown_flow_is_not_found(client):
    with pytest.raises(NotFoundError) as caught:
        client.flow_report("CPP0011117999999999999999")
    assert caught.value.code == 20001
    assert caught.value.http_status == 200


def test_issued_invoices_of_a_flow(client, deposited):
    invoices = client.search_issued_invoices(flow_number=deposited.flow_number)
    assert len(invoices) == 1
    invoice = invoices[0]
    assert invoice.chorus_id > 0 and invoice.number and invoice.flow_number == deposited.flow_number
    assert isinstance(invoice.amount_total, Decimal) and invoice.amount_total > 0
    assert client.search_issued_invoices(invoice_number=invoice.number)[0].chorus_id == invoice.chorus_id


def test_search_with_every_criterion(client, deposited):
    invoice = client.search_issued_invoices(flow_number=deposited.flow_number)[0]
    today = datetime.date.today()
    found = client.search_issued_invoices(
        statuses=[invoice.status],
        changed_since=datetime.datetime.utcnow() - datetime.timedelta(days=2),
        deposited_from=today - datetime.timedelta(days=2),
        deposited_to=today + datetime.timedelta(days=2),
        invoice_type="FACTURE",
    )
    assert invoice.chorus_id in {i.chorus_id for i in found}
    assert client.search_issued_invoices(invoice_number="N-EXISTE-PAS") == []


def test_issued_invoices_are_read_beyond_the_first_page(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, page_size=2)
    numbers = [f"PAGE-{i}" for i in range(5)]
    for number in numbers:
        client.deposit_flow(invoice_pdf(number), f"{number}.pdf")
    advance(sandbox, 600)
    found = client.search_issued_invoices(deposited_from=datetime.date.today() - datetime.timedelta(days=1))
    assert set(numbers) <= {i.number for i in found}
    assert client.calls["factures/v1/rechercher/fournisseur"] >= 3


def test_history_is_complete_oldest_first(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, page_size=2)
    receipt = client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    advance(sandbox, 3600 * 24)
    invoice = client.search_issued_invoices(flow_number=receipt.flow_number)[0]
    history = client.invoice_history(invoice.chorus_id)
    assert history.chorus_id == invoice.chorus_id
    assert history.current_status == "MISE_EN_PAIEMENT"
    codes = [entry.status for entry in history.entries]
    assert codes[0] == "DEPOSEE" and codes[-1] == "MISE_EN_PAIEMENT" and len(codes) > 2
    assert [e.at for e in history.entries] == sorted(e.at for e in history.entries)
    assert client.calls["factures/v1/consulter/historique"] >= 2


def test_suspension_comment_is_in_the_history(client, deposited, sandbox):
    invoice = client.search_issued_invoices(flow_number=deposited.flow_number)[0]
    control(
        sandbox, "invoices/status", chorus_id=invoice.chorus_id, status="SUSPENDUE", comment="Manque le BL"
    )
    history = client.invoice_history(invoice.chorus_id)
    assert history.current_status == "SUSPENDUE"
    assert any(e.status == "SUSPENDUE" and e.comment == "Manque le BL" for e in history.entries)


def test_calls_are_counted_per_endpoint_like_the_sandbox_does(client, sandbox):
    client.vat_rates()
    client.supplier_structures()
    client.supplier_structures()
    stats = control(sandbox, "stats")["calls"]
    assert client.calls["transverses/v1/recuperer/structures/actives/fournisseur"] == 2
    assert stats.get("transverses/v1/recuperer/structures/actives/fournisseur") == 2


# ----------------------------------------------------------------- errors


def test_expired_token_on_deposit_is_retried_once_and_deposits_once(client, sandbox):
    client.fetch_token()
    inject(sandbox, DEPOSIT_ROUTE, "expire_token")
    receipt = client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert client.calls[DEPOSIT_ROUTE] == 2 and client.calls["token"] == 2
    advance(sandbox, 600)
    assert client.flow_report(receipt.flow_number).state == "IN_INTEGRE"
    assert len(client.search_issued_invoices(deposited_from=datetime.date.today())) == 1


def test_token_endpoint_faults_are_typed(client, sandbox):
    inject(sandbox, "token", "rate_limit", retry_after=3)
    with pytest.raises(RateLimitedError) as caught:
        client.vat_rates()
    assert caught.value.endpoint == "token" and caught.value.retry_after == 3
    inject(sandbox, "token", "malformed_json")
    with pytest.raises(MalformedAnswerError):
        client.vat_rates()
    assert client.vat_rates()


def test_sandbox_answering_business_errors_as_400_and_unknown_routes_as_404():
    from chorus.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(business_error_status=400, unknown_route_status=404)
    with SandboxServer(config) as other:
        client = ChorusClient.for_sandbox(other.url)
        with pytest.raises(NotFoundError) as caught:
            client.flow_report("CPP0011117999999999999999")
        assert caught.value.http_status == 400 and caught.value.code == 20001
        with pytest.raises(AccessDeniedError):
            client._request("factures/v1/consulter/cr", {})


def test_unsubscribed_route_is_access_denied(client):
    with pytest.raises(AccessDeniedError):
        client._request("factures/v1/consulter/cr", {})


def test_business_error_answered_as_400(client, sandbox):
    inject(sandbox, "transverses/v1/recuperer/tauxtva", "business_error_400")
    with pytest.raises(BusinessError) as caught:
        client.vat_rates()
    assert caught.value.http_status == 400 and caught.value.code != 0 and caught.value.label


def test_timeout_on_a_read_is_a_timeout_with_a_known_outcome(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, timeout=0.5)
    inject(sandbox, "transverses/v1/recuperer/tauxtva", "timeout", delay=1.5)
    with pytest.raises(RequestTimeoutError) as caught:
        client.vat_rates()
    assert not caught.value.outcome_unknown


def test_timeout_on_deposit_leaves_the_outcome_unknown(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, timeout=0.5)
    inject(sandbox, DEPOSIT_ROUTE, "timeout", delay=1.5)
    with pytest.raises(RequestTimeoutError) as caught:
        client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert caught.value.outcome_unknown
    assert caught.value.endpoint == DEPOSIT_ROUTE


def test_connection_dropped_after_acceptance_leaves_the_outcome_unknown(client, sandbox):
    inject(sandbox, DEPOSIT_ROUTE, "drop_after_accept")
    with pytest.raises(ConnectionFailedError) as caught:
        client.deposit_flow(invoice_pdf("DROP-1"), "DROP-1.pdf")
    assert caught.value.outcome_unknown
    advance(sandbox, 600)
    assert [i.number for i in client.search_issued_invoices(invoice_number="DROP-1")] == ["DROP-1"]


def test_connection_refused_before_sending_is_a_known_outcome():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ChorusClient.for_sandbox(f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(ConnectionFailedError) as caught:
        client.deposit_flow(b"%PDF-1.7", "x.pdf")
    assert not caught.value.outcome_unknown


def test_connection_refused_on_the_api_after_the_token_is_a_known_outcome(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url)
    client.fetch_token()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        client.api_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(ConnectionFailedError) as caught:
        client.deposit_flow(b"%PDF-1.7", "x.pdf")
    assert not caught.value.outcome_unknown


@pytest.mark.parametrize("fault, status", [("http_500", 500), ("http_503", 503)])
def test_server_errors(client, sandbox, fault, status):
    inject(sandbox, "transverses/v1/recuperer/tauxtva", fault)
    with pytest.raises(ServerError) as caught:
        client.vat_rates()
    assert caught.value.http_status == status and not caught.value.outcome_unknown
    assert client.vat_rates()  # the fault fired once


def test_server_error_on_deposit_leaves_the_outcome_unknown(client, sandbox):
    inject(sandbox, DEPOSIT_ROUTE, "http_500")
    with pytest.raises(ServerError) as caught:
        client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert caught.value.outcome_unknown


def test_server_error_on_the_token_is_never_an_unknown_deposit(client, sandbox):
    inject(sandbox, "token", "http_503")
    with pytest.raises(ServerError) as caught:
        client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert caught.value.endpoint == "token" and not caught.value.outcome_unknown
    assert client.calls[DEPOSIT_ROUTE] == 0


def test_rate_limit_carries_retry_after(client, sandbox):
    inject(sandbox, "structures/v1/rechercher", "rate_limit", retry_after=2)
    with pytest.raises(RateLimitedError) as caught:
        client.find_structure(TOWN)
    assert caught.value.retry_after == 2
    assert caught.value.http_status == 429


def test_rate_limit_on_deposit_is_an_unknown_outcome(client, sandbox):
    inject(sandbox, DEPOSIT_ROUTE, "rate_limit", retry_after=1)
    with pytest.raises(RateLimitedError) as caught:
        client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert caught.value.outcome_unknown and caught.value.retry_after == 1


def test_malformed_json_is_a_malformed_answer(client, sandbox):
    inject(sandbox, "transverses/v1/consulterCRDetaille", "malformed_json")
    with pytest.raises(MalformedAnswerError) as caught:
        client.flow_report("CPP0011117000000000000001")
    assert isinstance(caught.value, TransportError) and not caught.value.outcome_unknown


def test_malformed_json_on_deposit_is_an_unknown_outcome(client, sandbox):
    inject(sandbox, DEPOSIT_ROUTE, "malformed_json")
    with pytest.raises(MalformedAnswerError) as caught:
        client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    assert caught.value.outcome_unknown


def test_health_check_says_false_when_the_api_is_unwell(client, sandbox):
    inject(sandbox, "transverses/v1/health-check", "http_503")
    assert client.health_check() is False
    assert client.health_check() is True


def test_fault_on_every_route(client, sandbox):
    inject(sandbox, "*", "http_500", times=2)
    with pytest.raises(ServerError):
        client.health_check() or client.vat_rates()


# ---------------------------------------------------------------- logging


def test_debug_log_elides_the_file_and_never_shows_secrets(client, caplog):
    content = SAMPLE.read_bytes()
    with caplog.at_level(logging.DEBUG, logger="chorus.client"):
        client.deposit_flow(content, SAMPLE.name)
    text = caplog.text
    assert "deposer/flux" in text and "elided" in text
    import base64

    assert base64.b64encode(content).decode()[:80] not in text
    for secret in (
        "sandbox-client-secret",
        "sandbox-password",
        client._valid_token(),
        base64.b64encode(b"TECH_1_SANDBOX@cpro.fr:sandbox-password").decode(),
    ):
        assert secret not in text


# ------------------------------------------------------------ pure parsing


def test_sandbox_defaults_are_the_seed_credentials():
    from chorus.client import SANDBOX_CREDENTIALS
    from chorus.sandbox import seed

    assert SANDBOX_CREDENTIALS == {
        "client_id": seed.PISTE_CLIENT_ID,
        "client_secret": seed.PISTE_CLIENT_SECRET,
        "login": seed.TECHNICAL_LOGIN,
        "password": seed.TECHNICAL_PASSWORD,
    }


@pytest.mark.parametrize(
    "parameters, requirement",
    [
        ({}, values.REQUIREMENT_NONE),
        ({"codeServiceDoitEtreRenseigne": True}, values.REQUIREMENT_SERVICE),
        ({"numeroEJDoitEtreRenseigne": True}, values.REQUIREMENT_ENGAGEMENT),
        (
            {"codeServiceDoitEtreRenseigne": True, "numeroEJDoitEtreRenseigne": True},
            values.REQUIREMENT_SERVICE_AND_ENGAGEMENT,
        ),
        ({"gestionNumeroEJOuCodeService": True}, values.REQUIREMENT_SERVICE_OR_ENGAGEMENT),
        (
            {
                "gestionNumeroEJOuCodeService": True,
                "codeServiceDoitEtreRenseigne": True,
                "numeroEJDoitEtreRenseigne": True,
            },
            values.REQUIREMENT_SERVICE_OR_ENGAGEMENT,
        ),
    ],
)
def test_requirement_decision_table(parameters, requirement):
    assert parsing.requirement_from_parameters(parameters) == requirement


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-06-10 14:40", datetime.datetime(2024, 6, 10, 12, 40)),  # Paris summer time
        ("2024-01-10 14:40", datetime.datetime(2024, 1, 10, 13, 40)),
        ("2018-02-16T15:10:25.536+01:00", datetime.datetime(2018, 2, 16, 14, 10, 25, 536000)),
        ("2024-05-17T08:00:00Z", datetime.datetime(2024, 5, 17, 8, 0)),
        ("2024-05-17", datetime.datetime(2024, 5, 16, 22, 0)),
        ("", None),
        (None, None),
        ("pas une date", None),
    ],
)
def test_datetimes_become_naive_utc(text, expected):
    assert parsing.parse_datetime(text) == expected


def test_dates_and_amounts():
    assert parsing.parse_date("2024-05-17") == datetime.date(2024, 5, 17)
    assert parsing.parse_date("2024-05-17T23:30:00+02:00") == datetime.date(2024, 5, 17)
    assert parsing.parse_date("") is None
    assert parsing.parse_amount(0.1) == Decimal("0.1")
    assert parsing.parse_amount(1200) == Decimal("1200")
    assert parsing.parse_amount("1 200") is None
    assert parsing.parse_amount(None) is None


def test_flow_report_accepts_a_lone_error_object():
    report = parsing.flow_report(
        {
            "codeRetour": 0,
            "libelle": "TRA_MSG_00.000",
            "etatCourantDepotFlux": "IN_INTEGRE_PARTIEL",
            "dateDepotFlux": "2018-02-16T15:10:25.536+01:00",
            "nomFichier": "FSO1110A_CPP001_X",
            "listeErreurDP": {
                "numeroDP": "F1",
                "libelleErreurDP": "KO",
                "identifiantFournisseur": "1",
                "identifiantDestinataire": "2",
            },
        }
    )
    assert report.invoice_errors == (values.InvoiceError("F1", "1", "2", "KO"),)
    assert report.message == ""


def test_structure_details_without_password_expiry(client, sandbox):
    inject(sandbox, "structures/v1/consulter", "no_password_expiry")
    details = client.structure_details(supplier_id(client))
    assert details.password_expiry is None


def test_a_file_over_the_deposit_limit_is_refused_before_sending(client):
    from chorus.errors import FileTooLargeError
    from chorus.values import FLOW_FILE_MAX_BYTES

    with pytest.raises(FileTooLargeError) as caught:
        client.deposit_flow(b"%PDF" + b"0" * FLOW_FILE_MAX_BYTES, "big.pdf")
    assert caught.value.limit == FLOW_FILE_MAX_BYTES
    assert "10 MB" in caught.value.message
    assert client.calls["factures/v1/deposer/flux"] == 0
