"""``python -m chorus <commande>``: Chorus Pro from a terminal, in French.

Run from the addon folder. Commands: ``sandbox``, ``check``, ``structure``,
``deposit``, ``flow``, ``status``, ``demo``. Connection options come from the
command line or the environment (CHORUS_CLIENT_ID, CHORUS_CLIENT_SECRET,
CHORUS_LOGIN, CHORUS_PASSWORD, CHORUS_URL).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

from . import catalogue, cli_messages, diagnosis, parsing
from .client import ChorusClient
from .errors import ChorusError
from .values import PUBLIC_INVOICES_SERVICE, SYNTAX_FACTURX

DEFAULT_SANDBOX_URL = "http://127.0.0.1:8765"
SAMPLE_INVOICE = Path(__file__).resolve().parent / "samples" / "facture-demo.pdf"
MARKS = {True: "✔", False: "✘", None: "–"}
HISTORY_TIME = "%d/%m/%Y %H:%M"  # Chorus dates status changes to the minute


def say(out, text: str) -> None:
    """One line on the command's output stream (tests pass a StringIO)."""
    out.write(f"{text}\n")
    out.flush()


def local_time(moment: datetime.datetime | None, fmt="%d/%m/%Y %H:%M:%S") -> str:
    """Naive UTC from the client → Paris wall clock, as Chorus users read it."""
    if moment is None:
        return "—"
    return moment.replace(tzinfo=parsing.UTC).astimezone(parsing.CHORUS_TZ).strftime(fmt)


def make_client(args) -> ChorusClient:
    credentials = {
        "client_id": args.client_id or os.environ.get("CHORUS_CLIENT_ID"),
        "client_secret": args.client_secret or os.environ.get("CHORUS_CLIENT_SECRET"),
        "login": args.login or os.environ.get("CHORUS_LOGIN"),
        "password": args.password or os.environ.get("CHORUS_PASSWORD"),
    }
    options = {"timeout": args.timeout}
    if args.env == "sandbox":
        given = {key: value for key, value in credentials.items() if value}
        url = args.url or os.environ.get("CHORUS_URL") or DEFAULT_SANDBOX_URL
        return ChorusClient.for_sandbox(url, **given, **options)
    missing = [key for key, value in credentials.items() if not value]
    if missing:
        raise SystemExit(f"Identifiants manquants : {', '.join(missing)} (options ou variables CHORUS_…).")
    if args.url:
        base = args.url.rstrip("/")
        return ChorusClient(api_url=base, token_url=f"{base}/api/oauth/token", **credentials, **options)
    return ChorusClient.for_environment(args.env, **credentials, **options)


# ----------------------------------------------------------------- commands


def check(client: ChorusClient, out, *, supplier_siret=None) -> int:
    """Print the connection diagnosis; 0 when every step passed."""
    say(out, f"Vérification de la connexion à {client.api_url}")
    steps = diagnosis.run_diagnosis(client, supplier_siret=supplier_siret)
    for step in steps:
        title = cli_messages.STEP_TITLES.get(step.code, step.code)
        detail = f" : {step.detail}" if step.detail else (" : non vérifié" if step.ok is None else "")
        say(out, f"  {MARKS[step.ok]} {title}{detail}")
        if step.ok is False and step.fix_code:
            say(out, f"      → {cli_messages.FIXES.get(step.fix_code, step.fix_code)}")
    failed = any(step.ok is False for step in steps)
    say(out, "Connexion opérationnelle." if not failed else "La connexion n'est pas opérationnelle.")
    return 1 if failed else 0


def show_structure(client: ChorusClient, siret: str, out) -> int:
    found = client.find_structure(siret)
    if found is None:
        say(out, f"Aucune structure trouvée pour le SIRET {siret}.")
        return 1
    details = client.structure_details(found.structure_id)
    say(out, f"{details.name or found.name} — SIRET {found.identifier} (id Chorus {found.structure_id})")
    say(
        out,
        f"  Statut : {'active' if found.active else 'INACTIVE'} ; "
        f"{'structure publique' if details.public else 'structure privée'}",
    )
    say(out, f"  Exigence : {cli_messages.REQUIREMENTS.get(details.requirement, details.requirement)}")
    if details.payment_status_not_reported:
        say(out, "  Le statut « Mise en paiement » n'est pas remonté par cette structure.")
    services = client.structure_services(found.structure_id)
    say(out, f"  Services ({len(services)}) :")
    for service in sorted(services, key=lambda s: (not s.active, s.code)):
        notes = []
        if not service.active:
            notes.append("inactif")
        if service.code == PUBLIC_INVOICES_SERVICE:
            notes.append("à ne pas utiliser par un fournisseur")
        suffix = f" ({', '.join(notes)})" if notes else ""
        say(out, f"    - {service.code} : {service.name}{suffix}")
    return 0


def deposit(client: ChorusClient, path: Path, out, syntax=SYNTAX_FACTURX) -> int:
    receipt = client.deposit_flow(path.read_bytes(), path.name, syntax=syntax)
    say(out, f"Flux déposé : {receipt.flow_number} (le {receipt.deposit_date or '—'}, {receipt.syntax})")
    say(out, f"Suivez-le avec : python -m chorus flow {receipt.flow_number}")
    return 0


def show_flow(client: ChorusClient, flow_number: str, out) -> int:
    report = client.flow_report(flow_number)
    state = catalogue.flow_state(report.state)
    say(out, f"Flux {flow_number} : {state.label_fr} ({report.state})")
    say(out, f"  Déposé le {local_time(report.deposited_at)}, état au {local_time(report.state_at)}")
    if report.file_name:
        say(out, f"  Fichier : {report.file_name}")
    for error in report.technical_errors:
        say(out, f"  ✘ Erreur technique {error.code} : {error.message}")
    for error in report.invoice_errors:
        say(out, f"  ✘ Facture {error.invoice_number} rejetée : {error.message}")
    if report.message:
        say(out, f"  Message : {report.message}")
    if state.next_step_fr:
        say(out, f"  À faire : {state.next_step_fr}")
    if report.state in ("IN_INTEGRE", "IN_INTEGRE_PARTIEL"):
        for invoice in client.search_issued_invoices(flow_number=flow_number):
            label = catalogue.invoice_status(invoice.status).label_fr
            say(out, f"  Facture {invoice.number} : id Chorus {invoice.chorus_id}, {label}")
    return 0


def print_timeline(history, out, *, payment_status_not_reported=False) -> None:
    current = catalogue.invoice_status(history.current_status)
    say(out, f"Facture {history.number} (id Chorus {history.chorus_id}) : {current.label_fr}")
    for entry in history.entries:
        comment = f" — {entry.comment}" if entry.comment else ""
        label = catalogue.invoice_status(entry.status).label_fr
        say(out, f"  {local_time(entry.at, HISTORY_TIME)}  {label}{comment}")
    if current.next_step_fr:
        say(out, f"  À faire : {current.next_step_fr}")
    elif catalogue.is_final(history.current_status, payment_status_not_reported):
        say(out, "  Statut final : plus rien à suivre.")


def show_status(client: ChorusClient, chorus_id: int, out) -> int:
    print_timeline(client.invoice_history(chorus_id), out)
    return 0


# --------------------------------------------------------------------- demo


def _wait(what, poll, done, out, *, deadline, started, interval=0.25):
    """Poll until ``done(value)``, printing each new value once; None when the deadline passes."""
    seen = None
    while time.monotonic() < deadline:
        value, label = poll()
        if label != seen:
            say(out, f"  [{time.monotonic() - started:5.1f} s] {what} : {label}")
            seen = label
        if done(value):
            return value
        time.sleep(interval)
    return None


def demo(out, *, flow_delay=1.0, step_delay=1.5, budget=28.0, sample: Path | None = None) -> int:
    """Deposit the sample invoice on a private sandbox and follow it until it is paid."""
    from .sandbox import SandboxConfig, SandboxServer

    sample = sample or SAMPLE_INVOICE
    if not sample.exists():
        say(out, f"Facture d'exemple introuvable : {sample}")
        return 1
    started = time.monotonic()
    deadline = started + budget
    config = SandboxConfig(db_path=":memory:", flow_delay=flow_delay, step_delay=step_delay)
    with SandboxServer(config) as sandbox:
        say(out, f"Bac à sable Chorus Pro démarré sur {sandbox.url}")
        client = ChorusClient.for_sandbox(sandbox.url, timeout=10.0)
        if check(client, out) != 0:
            return 1
        say(out, f"Dépôt de {sample.name} ({sample.stat().st_size} octets, Factur-X)…")
        receipt = client.deposit_flow(sample.read_bytes(), sample.name)
        say(out, f"Flux déposé : {receipt.flow_number}")

        def poll_flow():
            report = client.flow_report(receipt.flow_number)
            return report, catalogue.flow_state(report.state).label_fr

        report = _wait(
            "flux",
            poll_flow,
            lambda r: r.state in catalogue.FLOW_FINAL_STATES,
            out,
            deadline=deadline,
            started=started,
        )
        if report is None or report.state != "IN_INTEGRE":
            for error in report.invoice_errors if report else ():
                say(out, f"  ✘ {error.invoice_number} : {error.message}")
            say(out, "Échec : le flux n'a pas été intégré.")
            return 1
        invoices = client.search_issued_invoices(flow_number=receipt.flow_number)
        if not invoices:
            say(out, "Échec : aucune facture trouvée pour ce flux.")
            return 1
        invoice = invoices[0]
        say(out, f"Facture {invoice.number} intégrée, identifiant Chorus {invoice.chorus_id}")

        def poll_invoice():
            history = client.invoice_history(invoice.chorus_id)
            return history, catalogue.invoice_status(history.current_status).label_fr

        history = _wait(
            "facture",
            poll_invoice,
            lambda h: catalogue.is_final(h.current_status),
            out,
            deadline=deadline,
            started=started,
        )
        if history is None:
            say(out, "Échec : la facture n'a pas atteint un statut final à temps.")
            return 1
        say(out, "Historique :")
        print_timeline(history, out)
        paid = history.current_status == "MISE_EN_PAIEMENT"
        elapsed = time.monotonic() - started
        say(
            out,
            f"Démo terminée en {elapsed:.1f} s ({sum(client.calls.values())} appels HTTP) : "
            f"{'facture mise en paiement' if paid else 'statut final ' + history.current_status}.",
        )
        return 0 if paid else 1


# --------------------------------------------------------------------- main


def serve_sandbox(args, out) -> int:
    from .sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(db_path=args.db, flow_delay=args.flow_delay, step_delay=args.step_delay)
    with SandboxServer(config, host=args.host, port=args.port) as sandbox:
        say(out, f"Bac à sable Chorus Pro sur {sandbox.url} (Ctrl+C pour arrêter)")
        say(out, f"  Essayez : python -m chorus check --url {sandbox.url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            say(out, "Arrêt du bac à sable.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument(
        "--env",
        choices=("sandbox", "qualification", "production"),
        default=os.environ.get("CHORUS_ENV", "sandbox"),
        help="environnement (défaut : sandbox)",
    )
    connection.add_argument("--url", help=f"adresse de base (bac à sable : {DEFAULT_SANDBOX_URL})")
    connection.add_argument("--client-id", help="client_id de l'application PISTE (CHORUS_CLIENT_ID)")
    connection.add_argument("--client-secret", help="client_secret PISTE (CHORUS_CLIENT_SECRET)")
    connection.add_argument("--login", help="identifiant du compte technique (CHORUS_LOGIN)")
    connection.add_argument("--password", help="mot de passe du compte technique (CHORUS_PASSWORD)")
    connection.add_argument("--timeout", type=float, default=30.0, help="délai d'attente en secondes")

    parser = argparse.ArgumentParser(prog="python -m chorus", description="Chorus Pro en ligne de commande.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="commande")

    sandbox = commands.add_parser("sandbox", help="lancer le bac à sable Chorus Pro local")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--db", default=":memory:", help="fichier SQLite (défaut : en mémoire)")
    sandbox.add_argument("--flow-delay", type=float, default=2.0, help="secondes avant intégration d'un flux")
    sandbox.add_argument(
        "--step-delay", type=float, default=3.0, help="secondes entre deux statuts de facture"
    )

    check_cmd = commands.add_parser("check", parents=[connection], help="diagnostiquer la connexion")
    check_cmd.add_argument("--siret", help="SIRET attendu de la structure fournisseur")
    structure = commands.add_parser(
        "structure", parents=[connection], help="consulter une structure publique"
    )
    structure.add_argument("siret")
    deposit_cmd = commands.add_parser("deposit", parents=[connection], help="déposer une facture Factur-X")
    deposit_cmd.add_argument("file", type=Path)
    deposit_cmd.add_argument("--syntax", default=SYNTAX_FACTURX)
    flow = commands.add_parser("flow", parents=[connection], help="compte rendu d'un flux")
    flow.add_argument("number")
    status = commands.add_parser("status", parents=[connection], help="historique d'une facture")
    status.add_argument("chorus_id", type=int)
    commands.add_parser("demo", help="démonstration complète sur un bac à sable privé")
    return parser


COMMANDS = {
    "check": lambda client, args, out: check(client, out, supplier_siret=args.siret),
    "structure": lambda client, args, out: show_structure(client, args.siret, out),
    "deposit": lambda client, args, out: deposit(client, args.file, out, syntax=args.syntax),
    "flow": lambda client, args, out: show_flow(client, args.number, out),
    "status": lambda client, args, out: show_status(client, args.chorus_id, out),
}


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "sandbox":
            return serve_sandbox(args, out)
        if args.command == "demo":
            return demo(out)
        return COMMANDS[args.command](make_client(args), args, out)
    except ChorusError as error:
        say(out, cli_messages.describe_error(error))
        return 2
