#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of l10n_fr_chorus_connect on a real Odoo 19 database, against a real sandbox over HTTP.

Not a test: it commits into the database it is given. Use a throw-away database, from the
repository root::

    python3 -m odoo db init chorus_bench --country FR
    python3 -m odoo -d chorus_bench --addons-path=. -i l10n_fr_chorus_connect --stop-after-init
    python3 benchmarks/bench_chorus.py -d chorus_bench [--invoices 2000] [--deposits 200] [--moved 20]

The script starts an Odoo HTTP server on ``--http-port`` for wkhtmltopdf to fetch the report assets,
and a sandbox in this process (flows integrate at once, lifecycle steps every hour of sandbox time).

What it measures:

1. Refresh of N in-flight invoices (default 2,000). Seeding: N posted invoices to a public customer,
   deposited on the sandbox as ONE tar.gz of CII XML (the seeding shortcut: no PDF), mapped to their
   Chorus ids, their first history read once (reported as "first run": every invoice moved). Then
   ``--moved`` of them (default 20, 1 %) get a buyer action in the sandbox, and one run of the
   lifecycle cron code (``chorus.invoice.status._track_company``) brings Odoo up to date. The first
   run records every current status at once and reads HISTORY_BUDGET histories; the runs that
   follow fill the rest (reported as "history fill"). Reported:
   API calls (the client's counter and the sandbox's /_sandbox/stats), wall time, peak Python memory
   (tracemalloc) and max RSS (getrusage). Targets: <= 40 API calls and < 60 s.
2. Batch deposit of M invoices (default 200): first PDF render only (``chorus.facturx._build_document``,
   i.e. the Odoo invoice PDF through wkhtmltopdf + Factur-X embedding) of M invoices, then the real
   exactly-once deposit (``account.move._chorus_deposit_now``: lock, pre-flight, build, attempt
   committed, HTTP deposit, answer committed) of M other invoices. Target: deposit throughput >= 90 %
   of render-only throughput.
3. Not a measure but a check on real cursors: 8 threads deposit the same invoice at the same moment;
   exactly one deposit call reaches the sandbox and one token is charged.
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tarfile
import time
import tracemalloc

# Odoo adds its own addons folders to this path by itself.
ADDONS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIRET_COMMUNE = "21750001600019"
SUPPLIER_SIRET = "73282932000074"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--moved", type=int, default=20)
    parser.add_argument("--deposits", type=int, default=200)
    parser.add_argument("--http-port", type=int, default=8271)
    parser.add_argument("--data-dir", help="Odoo data directory of the database (filestore)")
    parser.add_argument("--fill-runs", type=int, default=3, help="history fill runs measured")
    parser.add_argument("--skip-refresh", action="store_true")
    parser.add_argument("--skip-deposit", action="store_true")
    return parser.parse_args()


def boot(database, data_dir=None):
    import odoo
    from odoo.tools import config

    extra = [f"--data-dir={data_dir}"] if data_dir else []
    config.parse_config(["-d", database, f"--addons-path={ADDONS}", "--log-level=warn", *extra])
    from odoo.modules.registry import Registry

    return odoo, Registry(database)


def start_http(database, port, data_dir=None):
    """An Odoo server for wkhtmltopdf's asset requests (the report is rendered in this process)."""
    extra = [f"--data-dir={data_dir}"] if data_dir else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            *extra,
            "-d",
            database,
            f"--addons-path={ADDONS}",
            "--http-port",
            str(port),
            "--http-interface",
            "127.0.0.1",
            "--db-filter",
            f"^{database}$",
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_http(port, timeout=60):
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/web/webclient/version_info", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("Odoo HTTP server did not start")


def setup_company(env, sandbox_url, port):
    company = env.company
    company.write(
        {
            "company_registry": SUPPLIER_SIRET,
            "vat": company.vat or "FR44732829320",
            "chorus_environment": "sandbox",
            "chorus_sandbox_url": sandbox_url,
        }
    )
    env["ir.config_parameter"].set_param("web.base.url", f"http://127.0.0.1:{port}")
    env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
    company._chorus_load_supplier_structures()
    if not company.partner_id.bank_ids:
        env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": company.partner_id.id,
                "allow_out_payment": True,
            }
        )
    buyer = env["res.partner"].search([("company_registry", "=", SIRET_COMMUNE)], limit=1) or env[
        "res.partner"
    ].create(
        {
            "name": "COMMUNE D'EXEMPLEVILLE",
            "is_company": True,
            "country_id": env.ref("base.fr").id,
            "company_registry": SIRET_COMMUNE,
            "chorus_is_public": True,
            "street": "1 place de la Mairie",
            "zip": "75001",
            "city": "Paris",
        }
    )
    buyer._chorus_fetch_directory()
    address = buyer.child_ids.filtered(lambda p: p.type == "invoice")[:1] or env["res.partner"].create(
        {
            "name": "Service comptabilité",
            "type": "invoice",
            "parent_id": buyer.id,
            "chorus_service_code": "SERV-COMPTA",
        }
    )
    product = env["product.product"].search([("sale_ok", "=", True)], limit=1) or env[
        "product.product"
    ].create({"name": "Prestation", "list_price": 100})
    tax = env["account.tax"].search(
        [("type_tax_use", "=", "sale"), ("company_id", "=", company.id), ("amount", "=", 20)], limit=1
    )
    wallet = company._chorus_wallet()
    return company, address, product, tax, wallet


def create_invoices(env, address, product, tax, count, label):
    from odoo import Command

    moves = env["account.move"]
    for start in range(0, count, 200):
        chunk = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": address.id,
                    "invoice_date": time.strftime("%Y-%m-%d"),
                    "chorus_payment_means": "30",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": 100 + i,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                    ],
                }
                for i in range(start, min(count, start + 200))
            ]
        )
        chunk.action_post()
        env.cr.commit()
        moves |= chunk
        print(f"  {label}: {len(moves)}/{count} invoices posted", flush=True)
    return moves


def seed_in_flight(env, company, address, product, tax, args):
    """N posted invoices deposited as one tar.gz of CII XML and mapped to their Chorus ids."""
    from odoo.addons.l10n_fr_chorus_connect.chorus.values import SYNTAX_CII_16B

    print(f"Seeding {args.invoices} in-flight invoices", flush=True)
    moves = create_invoices(env, address, product, tax, args.invoices, "refresh")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for move in moves:
            xml = env["chorus.facturx"]._build_xml(move)[0]
            info = tarfile.TarInfo(f"{move.name.replace('/', '-')}.xml")
            info.size = len(xml)
            archive.addfile(info, io.BytesIO(xml))
    client = company._chorus_client()
    receipt = client.deposit_flow(buffer.getvalue(), "bench_lot.tar.gz", syntax=SYNTAX_CII_16B)
    flow = env["chorus.flow"].create(
        {
            "company_id": company.id,
            "name": receipt.flow_number,
            "state": "integrated",
            "chorus_state": "IN_INTEGRE",
            "syntax": SYNTAX_CII_16B,
            "move_ids": [(6, 0, moves.ids)],
            "sent_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
    )
    moves.write({"chorus_flow_id": flow.id})
    by_number = {item.number: item for item in client.search_issued_invoices(flow_number=receipt.flow_number)}
    for move in moves:
        move._chorus_set_issued(by_number[move.name])
    env.cr.commit()
    print(f"  mapped {len(by_number)} invoices of flow {receipt.flow_number}", flush=True)
    return moves


def bench_refresh(env, company, address, product, tax, args, sandbox):
    from odoo.addons.l10n_fr_chorus_connect.models.chorus_invoice_status import HISTORY_BUDGET

    moves = seed_in_flight(env, company, address, product, tax, args)
    results = {}

    def one_run(label):
        sandbox.control.clear_stats()
        client = company._chorus_client()
        env.invalidate_all()
        tracemalloc.start()
        started = time.perf_counter()
        env["chorus.invoice.status"]._track_company(company, client=client)
        env.cr.commit()
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stats = sandbox.control.stats()
        env.invalidate_all()
        results[label] = {
            "wall_s": round(elapsed, 2),
            "client_calls": sum(client.calls.values()),
            "client_calls_by_route": dict(client.calls),
            "sandbox_calls": sum(stats.values()),
            "peak_tracemalloc_mb": round(peak / 2**20, 1),
            "current_status_recorded": len(moves.filtered("chorus_status")),
            "histories_left": len(moves.filtered("chorus_history_pending")),
        }
        print(f"  {label}: {results[label]}", flush=True)
        return results[label]

    # Every invoice moved at once (first pass after install, a buyer paying a whole batch): every
    # current status is recorded in this one run; the histories follow, HISTORY_BUDGET a run.
    sandbox.control.advance(3600)  # one lifecycle step: every invoice is MISE_A_DISPOSITION
    one_run("first run (every invoice moved)")
    fill = {"runs": 0, "calls": 0, "max_calls_per_run": 0, "wall_s": 0.0}
    while moves.filtered("chorus_history_pending") and fill["runs"] < args.fill_runs:
        run = one_run("history fill run")
        fill["runs"] += 1
        fill["calls"] += run["sandbox_calls"]
        fill["max_calls_per_run"] = max(fill["max_calls_per_run"], run["sandbox_calls"])
        fill["wall_s"] += run["wall_s"]
    del results["history fill run"]
    left = len(moves.filtered("chorus_history_pending"))
    fill["runs_still_needed"] = -(-left // HISTORY_BUDGET)
    fill["wall_s"] = round(fill["wall_s"], 1)
    results["history fill (every run until none is left)"] = fill
    print(f"  history fill: {fill}", flush=True)
    moves.write({"chorus_history_pending": False})  # the remaining fill runs are not measured
    env.cr.commit()
    for move in moves[: args.moved]:
        sandbox.control.set_status(move.chorus_invoice_id, "SERVICE_FAIT", "")
    one_run("steady run")
    moved = moves[: args.moved]
    env.cr.commit()
    env.invalidate_all()
    assert set(moved.mapped("chorus_status")) == {"SERVICE_FAIT"}, set(moved.mapped("chorus_status"))
    return results


def bench_deposit(env, company, address, product, tax, wallet, args, sandbox):
    print(f"Batch deposit of {args.deposits} invoices", flush=True)
    render_moves = create_invoices(env, address, product, tax, args.deposits, "render-only")
    deposit_moves = create_invoices(env, address, product, tax, args.deposits, "deposit")
    if wallet.available < args.deposits:
        wallet._correct(args.deposits - wallet.available + 10, "benchmark")
        env.cr.commit()
    # Warm up wkhtmltopdf and the asset bundles once.
    env["chorus.facturx"]._build_document(render_moves[0])

    started = time.perf_counter()
    for move in render_moves:
        env["chorus.facturx"]._build_document(move)
    render_s = time.perf_counter() - started

    balance = wallet.balance
    sandbox.control.clear_stats()
    started = time.perf_counter()
    outcomes = deposit_moves._chorus_deposit_now()
    deposit_s = time.perf_counter() - started
    env.cr.commit()  # a new snapshot: the deposits were committed by cursors of their own
    env.invalidate_all()
    deposited = [o for o in outcomes if o["outcome"] == "deposited"]
    result = {
        "render_only_per_s": round(args.deposits / render_s, 2),
        "deposit_per_s": round(args.deposits / deposit_s, 2),
        "ratio": round(render_s / deposit_s, 3),
        "render_only_s": round(render_s, 1),
        "deposit_s": round(deposit_s, 1),
        "deposited": len(deposited),
        "tokens_charged": balance - company._chorus_wallet().balance,
        "flows": len(deposit_moves.chorus_flow_id),
        "token_calls": sandbox.control.stats().get("token", 0),
    }
    if len(deposited) != args.deposits:
        result["first_failure"] = next(o["message"] for o in outcomes if o["outcome"] != "deposited")
    print(f"  deposit: {result}", flush=True)
    return result


def check_concurrent_clicks(registry, env, address, product, tax, sandbox, users=8):
    """Not a benchmark: real cursors, real threads. Several users deposit the same invoice at once."""
    import threading

    from odoo import SUPERUSER_ID, api

    move = create_invoices(env, address, product, tax, 1, "concurrency")
    sandbox.control.clear_stats()
    barrier = threading.Barrier(users)
    outcomes = []

    def click():
        with registry.cursor() as cr:
            user_env = api.Environment(cr, SUPERUSER_ID, {})
            barrier.wait()
            outcomes.append(user_env["chorus.flow"]._deposit_move(move.id)["outcome"])

    threads = [threading.Thread(target=click) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    env.cr.commit()
    env.invalidate_all()
    result = {
        "outcomes": sorted(outcomes),
        "deposit_calls": sandbox.control.stats().get("factures/v1/deposer/flux", 0),
        "flows": len(move.chorus_flow_ids),
        "tokens_charged": sum(move.chorus_flow_ids.mapped("token_charged")),
    }
    print(f"  concurrent clicks: {result}", flush=True)
    return result


def main():
    args = parse_args()
    _odoo, registry = boot(args.database, args.data_dir)
    from odoo import SUPERUSER_ID, api

    from odoo.addons.l10n_fr_chorus_connect.chorus.sandbox import SandboxConfig, SandboxServer

    server = start_http(args.database, args.http_port, args.data_dir)
    report = {}
    try:
        wait_http(args.http_port)
        with (
            SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=0, step_delay=3600)) as sandbox,
            registry.cursor() as cr,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            company, address, product, tax, wallet = setup_company(env, sandbox.url, args.http_port)
            cr.commit()
            if not args.skip_refresh:
                report["refresh"] = bench_refresh(env, company, address, product, tax, args, sandbox)
            if not args.skip_deposit:
                report["deposit"] = bench_deposit(env, company, address, product, tax, wallet, args, sandbox)
            report["concurrent_clicks"] = check_concurrent_clicks(
                registry, env, address, product, tax, sandbox
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    report["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("RESULT", report)


if __name__ == "__main__":
    main()
