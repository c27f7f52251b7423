#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the payment deadlines (issue 14): the Monday view and the deadline computation.

Not a test: it commits into the database it is given. Use a throw-away database, from the
repository root::

    python3 -m odoo db init chorus_bench --country FR
    python3 -m odoo -d chorus_bench --addons-path=. -i l10n_fr_chorus_connect --stop-after-init
    python3 benchmarks/bench_payment_deadlines.py -d chorus_bench [--invoices 20000]

Seeding (timed apart, SQL): N posted invoices to 50 public buyers of every kind, one deposit flow,
and their Chorus Pro histories (deposited, made available, then 60 % paid out on a spread of dates,
10 % suspended and completed, the rest unpaid), about 3.3 status rows per invoice.

What it measures, on the N invoices:

1. The deadline computation: every stored figure (deadline, days late, interest...) recomputed in
   batches of 2,000 as the nightly cron does, then the nightly cron itself (unpaid after deadline).
2. The Monday view as the web client asks for it: the grouped list (read_group by status with
   sums, then the first 80 rows of the biggest group, overdue first), the "interest to claim" filter
   count, the pivot per buyer and quarter, and the days-to-pay graph (SQL view, percentile_cont).
"""

import argparse
import os
import random
import time

ADDONS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = ["state", "local", "public_body", "health", "public_company"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--data-dir", help="Odoo data directory of the database (filestore)")
    parser.add_argument("--seed", type=int, default=14)
    return parser.parse_args()


def boot(database, data_dir=None):
    import odoo
    from odoo.tools import config

    extra = [f"--data-dir={data_dir}"] if data_dir else []
    config.parse_config(["-d", database, f"--addons-path={ADDONS}", "--log-level=warn", *extra])
    from odoo.modules.registry import Registry

    return odoo, Registry(database)


def timed(label, function, repeat=1):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label:<62} {best * 1000:9.1f} ms", flush=True)
    return result


def seed(env, count, rng):
    """One real posted invoice, copied N times by SQL with its flow and histories."""
    import datetime

    from odoo import Command

    company = env.company
    buyers = env["res.partner"].create(
        [
            {
                "name": f"Bench buyer {index:02d}",
                "is_company": True,
                "chorus_is_public": True,
                "chorus_payment_category": KINDS[index % len(KINDS)],
            }
            for index in range(50)
        ]
    )
    tax = env["account.tax"].search(
        [("type_tax_use", "=", "sale"), ("company_id", "=", company.id), ("amount", "=", 20)], limit=1
    )
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": buyers[0].id,
            "invoice_date": "2025-01-02",
            "invoice_line_ids": [
                Command.create({"name": "Prestation", "quantity": 1, "price_unit": 1000, "tax_ids": tax.ids})
            ],
        }
    )
    template.action_post()
    flow = env["chorus.flow"].create(
        {"name": "CPPBENCH", "state": "integrated", "deposit_date": "2025-01-02"}
    )
    env.flush_all()
    cr = env.cr
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'account_move'
           AND column_name NOT IN ('id', 'name', 'sequence_number', 'sequence_prefix', 'partner_id',
                                   'commercial_partner_id', 'amount_total', 'amount_total_signed',
                                   'amount_residual', 'amount_residual_signed', 'date', 'invoice_date',
                                   'chorus_flow_id', 'chorus_invoice_id', 'chorus_status', 'chorus_status_at')
           AND column_name NOT LIKE 'chorus_payment%%' AND column_name NOT LIKE 'chorus_late%%'
           AND column_name NOT LIKE 'chorus_days%%' AND column_name NOT LIKE 'chorus_paid%%'
           AND column_name NOT IN ('chorus_overdue', 'chorus_interest_to_claim', 'chorus_interest_move_id')
        """
    )
    columns = [row[0] for row in cr.fetchall()]
    rows = []
    histories = []
    start = datetime.date(2024, 1, 2)
    for index in range(count):
        deposited = start + datetime.timedelta(days=rng.randrange(0, 690))
        amount = round(rng.uniform(100, 50000), 2)
        buyer = buyers[index % len(buyers)]
        events = [(deposited, "DEPOSEE"), (deposited + datetime.timedelta(days=1), "MISE_A_DISPOSITION")]
        draw = rng.random()
        if draw < 0.1:
            suspended = deposited + datetime.timedelta(days=rng.randrange(2, 20))
            events += [
                (suspended, "SUSPENDUE"),
                (suspended + datetime.timedelta(days=rng.randrange(1, 30)), "COMPLETEE"),
            ]
        if draw < 0.7:
            events.append((events[-1][0] + datetime.timedelta(days=rng.randrange(5, 90)), "MISE_EN_PAIEMENT"))
        rows.append((index, deposited, amount, buyer.id, events[-1]))
        histories.append(events)
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
    first_id = cr.fetchone()[0] + 1
    select = ", ".join(f"t.{column}" for column in columns)
    values = ",".join(
        cr.mogrify(
            "(%s,%s,%s,%s,%s,%s,%s,%s)",
            (
                first_id + index,
                f"BENCH/{index:06d}",
                deposited,
                amount,
                buyer_id,
                last[1],
                last[0],
                900000 + index,
            ),
        ).decode()
        for index, deposited, amount, buyer_id, last in rows
    )
    cr.execute(
        f"""
        INSERT INTO account_move (id, name, sequence_prefix, sequence_number, date, invoice_date,
                                  amount_total, amount_total_signed, amount_residual, amount_residual_signed,
                                  partner_id,
                                  commercial_partner_id, chorus_flow_id, chorus_status, chorus_status_at,
                                  chorus_invoice_id, {", ".join(columns)})
        SELECT v.id, v.name, 'BENCH/', v.id, v.deposited, v.deposited,
               v.amount, v.amount, v.amount, v.amount, v.buyer, v.buyer, %s,
               v.status, v.status_on::timestamp + interval '10 hours', v.chorus_id, {select}
          FROM (VALUES {values}) AS v(id, name, deposited, amount, buyer, status, status_on, chorus_id)
          CROSS JOIN account_move t
         WHERE t.id = %s
        """,
        [flow.id, template.id],
    )
    cr.execute("SELECT setval('account_move_id_seq', (SELECT MAX(id) FROM account_move))")
    status_rows = ",".join(
        cr.mogrify("(%s,%s,%s,%s,%s)", (first_id + index, entry, code, on, company.id)).decode()
        for index, events in enumerate(histories)
        for entry, (on, code) in enumerate(events, start=1)
    )
    cr.execute(
        f"""
        INSERT INTO chorus_invoice_status (move_id, entry_id, code, date, company_id, create_uid, write_uid,
                                           create_date, write_date)
        SELECT v.move_id, v.entry_id, v.code, v.on_day::timestamp + interval '10 hours', v.company_id, 1, 1,
               now(), now()
          FROM (VALUES {status_rows}) AS v(move_id, entry_id, code, on_day, company_id)
        """
    )
    cr.execute(
        "UPDATE account_move SET chorus_deposit_state = CASE chorus_status "
        "WHEN 'MISE_EN_PAIEMENT' THEN 'paid' WHEN 'SUSPENDUE' THEN 'to_fix' ELSE 'deposited' END "
        "WHERE name LIKE 'BENCH/%%'"
    )
    cr.execute(
        "INSERT INTO chorus_flow_account_move_rel (flow_id, move_id) SELECT %s, id FROM account_move "
        "WHERE name LIKE 'BENCH/%%'",
        [flow.id],
    )
    cr.commit()
    env.invalidate_all()
    return env["account.move"].search([("name", "=like", "BENCH/%")])


def main():
    args = parse_args()
    odoo, registry = boot(args.database, args.data_dir)
    from odoo import SUPERUSER_ID, api

    rng = random.Random(args.seed)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", "tz": "Europe/Paris"})
        print(f"Seeding {args.invoices} deposited invoices (SQL)", flush=True)
        moves = timed("seed: invoices, flow, histories", lambda: seed(env, args.invoices, rng))
        cr.execute("SELECT COUNT(*) FROM chorus_invoice_status WHERE move_id = ANY(%s)", [moves.ids])
        print(f"  {len(moves)} invoices, {cr.fetchone()[0]} status rows", flush=True)

        print("1. Deadline computation", flush=True)

        def recompute_all():
            for start in range(0, len(moves), 2000):
                moves[start : start + 2000]._chorus_recompute_payment_terms()
            cr.commit()
            env.invalidate_all()

        timed(f"recompute every figure of {len(moves)} invoices (batches of 2000)", recompute_all)
        overdue = env["account.move"].search_count([("chorus_overdue", "=", True)])
        late = env["account.move"].search_count([("chorus_days_late", ">", 0)])
        print(f"  -> {late} late, {overdue} still unpaid after their deadline", flush=True)

        def nightly():
            env["account.move"]._cron_chorus_payment_deadlines()
            cr.commit()
            env.invalidate_all()

        timed("nightly cron (unpaid after deadline)", nightly)

        print("2. The Monday view (web client calls)", flush=True)
        domain = [("move_type", "=", "out_invoice"), ("chorus_payment_start", "!=", False)]
        moves_model = env["account.move"]
        fields_spec = {
            name: {}
            for name in (
                "name",
                "chorus_status",
                "amount_total_signed",
                "amount_residual_signed",
                "chorus_payment_due",
                "chorus_paid_on",
                "chorus_days_late",
                "chorus_late_interest",
                "chorus_late_indemnity",
                "chorus_overdue",
                "chorus_interest_to_claim",
            )
        }
        fields_spec["commercial_partner_id"] = {"fields": {"display_name": {}}}
        aggregates = [
            "amount_total_signed:sum",
            "amount_residual_signed:sum",
            "chorus_days_late:max",
            "chorus_late_interest:sum",
            "chorus_late_indemnity:sum",
        ]
        order = "chorus_overdue desc, chorus_days_late desc, chorus_payment_due, id desc"

        def grouped_list():
            env.invalidate_all()
            groups = moves_model.web_read_group(domain, ["chorus_status"], aggregates)
            biggest = max(groups["groups"], key=lambda group: group["__count"])
            rows = moves_model.web_search_read(
                [*domain, ("chorus_status", "=", biggest["chorus_status"])],
                fields_spec,
                order=order,
                limit=80,
            )
            return groups, rows

        groups, rows = timed("grouped list: read_group by status + 80 rows, overdue first", grouped_list, 3)
        print(f"  -> {len(groups['groups'])} groups, {rows['length']} rows in the biggest", flush=True)
        timed(
            "ungrouped list: 80 rows overdue first",
            lambda: (
                env.invalidate_all()
                or moves_model.web_search_read(domain, fields_spec, order=order, limit=80)
            ),
            3,
        )
        to_claim = timed(
            "filter 'interest to claim': count",
            lambda: moves_model.search_count([*domain, ("chorus_interest_to_claim", "=", True)]),
            3,
        )
        print(f"  -> {to_claim} to claim", flush=True)
        timed(
            "pivot: interest per buyer and quarter",
            lambda: moves_model.formatted_read_group(
                domain,
                ["commercial_partner_id", "chorus_payment_due:quarter"],
                ["chorus_late_interest:sum", "chorus_late_indemnity:sum", "chorus_days_late:max"],
            ),
            3,
        )
        report = env["chorus.payment.delay.report"]
        graph = timed(
            "graph: days to pay per buyer (median, worst)",
            lambda: report.formatted_read_group([], ["partner_id", "kind"], ["days:max"]),
            3,
        )
        print(f"  -> {len(graph)} bars", flush=True)
        del odoo


if __name__ == "__main__":
    main()
