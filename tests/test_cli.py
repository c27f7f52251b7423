"""``python -m chorus``: the demo end to end, and the connection check in plain French."""

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from chorus import cli, cli_messages, diagnosis
from chorus.client import ChorusClient

ADDON_DIR = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"
SAMPLE = ADDON_DIR / "chorus" / "samples" / "facture-demo.pdf"
SUPPLIER_SIRET = "73282932000074"


def run(*argv):
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue()


def test_demo_deposits_and_follows_the_invoice_until_paid():
    out = io.StringIO()
    started = time.monotonic()
    assert cli.demo(out) == 0
    elapsed = time.monotonic() - started
    text = out.getvalue()
    assert elapsed < 30, text
    assert "Connexion opérationnelle" in text
    assert re.search(r"Flux déposé : CPP001\d{19}", text)
    assert "Intégré" in text
    assert "Déposée" in text and "Mise en paiement" in text
    assert "Démo terminée" in text


def test_check_with_good_credentials_passes_every_step(sandbox):
    out = io.StringIO()
    assert cli.check(ChorusClient.for_sandbox(sandbox.url), out, supplier_siret=SUPPLIER_SIRET) == 0
    text = out.getvalue()
    for title in cli_messages.STEP_TITLES.values():
        assert f"✔ {title}" in text
    assert "Connexion opérationnelle." in text


def test_check_with_a_wrong_password_names_the_technical_account(sandbox):
    code, text = run("check", "--url", sandbox.url, "--password", "mauvais")
    assert code == 1
    assert "✔ Application PISTE" in text
    assert "✘ Compte technique Chorus Pro" in text
    assert cli_messages.FIXES[diagnosis.FIX_TECHNICAL_ACCOUNT] in text
    assert "– Structure fournisseur : non vérifié" in text


def test_check_with_a_wrong_secret_names_the_piste_application(sandbox, monkeypatch):
    monkeypatch.setenv("CHORUS_CLIENT_SECRET", "mauvais")
    code, text = run("check", "--url", sandbox.url)
    assert code == 1
    assert "✘ Application PISTE" in text
    assert cli_messages.FIXES[diagnosis.FIX_PISTE_CREDENTIALS] in text


def test_check_with_another_siret_says_it_does_not_match(sandbox):
    code, text = run("check", "--url", sandbox.url, "--siret", "35600000000048")
    assert code == 1
    assert cli_messages.FIXES[diagnosis.FIX_SIRET_MISMATCH] in text
    assert SUPPLIER_SIRET in text


def test_check_when_nothing_listens_says_the_service_does_not_answer():
    code, text = run("check", "--url", "http://127.0.0.1:9", "--timeout", "2")
    assert code == 1
    assert cli_messages.FIXES[diagnosis.FIX_NETWORK] in text


def test_structure_prints_requirement_and_services(sandbox):
    code, text = run("structure", "21750001600019", "--url", sandbox.url)
    assert code == 0
    assert "COMMUNE D'EXEMPLEVILLE" in text
    assert "Exigence : code service obligatoire" in text
    assert "SERV-ANCIEN" in text and "inactif" in text
    assert "FACTURES_PUBLIQUES" in text and "à ne pas utiliser" in text


def test_structure_unknown(sandbox):
    code, text = run("structure", "35600000000048", "--url", sandbox.url)
    assert code == 1 and "Aucune structure" in text


def test_deposit_flow_and_status_commands(sandbox):
    code, text = run("deposit", str(SAMPLE), "--url", sandbox.url)
    assert code == 0, text
    flow_number = re.search(r"CPP001\d{19}", text).group(0)
    requests.post(f"{sandbox.url}/_sandbox/clock", json={"advance": 86400}, timeout=10).raise_for_status()
    code, text = run("flow", flow_number, "--url", sandbox.url)
    assert code == 0 and "Intégré" in text
    chorus_id = re.search(r"id Chorus (\d+)", text).group(1)
    code, text = run("status", chorus_id, "--url", sandbox.url)
    assert code == 0
    assert "Déposée" in text and "Mise en paiement" in text and "Statut final" in text


def test_unknown_flow_is_reported_in_french(sandbox):
    code, text = run("flow", "CPP0011117999999999999999", "--url", sandbox.url)
    assert code == 2 and "Chorus Pro a refusé la demande (code 20001)" in text


def test_module_runs_from_the_addon_folder():
    result = subprocess.run(
        [sys.executable, "-m", "chorus", "--help"],
        cwd=ADDON_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert result.returncode == 0 and "demo" in result.stdout


def test_diagnosis_steps_are_codes_not_sentences(sandbox):
    steps = diagnosis.run_diagnosis(ChorusClient.for_sandbox(sandbox.url), supplier_siret=SUPPLIER_SIRET)
    assert [s.code for s in steps] == list(diagnosis.STEPS)
    assert all(s.ok for s in steps)
    assert steps[2].data["siret"] == SUPPLIER_SIRET


def test_diagnosis_warns_before_the_password_expires(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url)
    supplier = next(s for s in client.supplier_structures() if s.identifier == SUPPLIER_SIRET)
    expiry = client.structure_details(supplier.structure_id).password_expiry.date()
    import datetime

    soon = diagnosis.run_diagnosis(client, today=expiry - datetime.timedelta(days=10))[-1]
    assert (soon.ok, soon.fix_code, soon.data["days_left"]) == (
        False,
        diagnosis.FIX_PASSWORD_EXPIRES_SOON,
        10,
    )
    late = diagnosis.run_diagnosis(client, today=expiry + datetime.timedelta(days=1))[-1]
    assert (late.ok, late.fix_code) == (False, diagnosis.FIX_PASSWORD_EXPIRED)
    assert set(cli_messages.FIXES) >= {
        getattr(diagnosis, name) for name in dir(diagnosis) if name.startswith("FIX_")
    }
