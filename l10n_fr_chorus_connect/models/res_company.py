# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging
import os

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config, format_date

from ..chorus.client import ChorusClient
from ..chorus.diagnosis import (
    FIX_API_SUBSCRIPTION,
    FIX_BANK_ACCOUNT,
    FIX_CHORUS_REFUSED,
    FIX_NETWORK,
    FIX_NO_SUPPLIER_STRUCTURE,
    FIX_PASSWORD_EXPIRED,
    FIX_PASSWORD_EXPIRES_SOON,
    FIX_PISTE_CREDENTIALS,
    FIX_SIRET_MISMATCH,
    FIX_TECHNICAL_ACCOUNT,
    STEP_ACCOUNT,
    STEP_BANK,
    STEP_PASSWORD,
    STEP_SUPPLIER,
    STEP_TOKEN,
    run_diagnosis,
)
from ..chorus.errors import ChorusError
from ..chorus.identifiers import compact_siret
from ..chorus.sandbox import inprocess

_logger = logging.getLogger(__name__)

SANDBOX_URL_PARAM = "l10n_fr_chorus_connect.sandbox_url"
PASSWORD_REMINDER_DAYS = (30, 7)

CHORUS_ENVIRONMENTS = [
    ("sandbox", "Sandbox"),
    ("qualification", "Qualification"),
    ("production", "Production"),
]


UNKNOWN_OUTCOME_GRACE_MINUTES = 60


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        string="Chorus Pro Environment",
        default="sandbox",
        required=True,
        help="Sandbox: the simulator embedded in this Odoo, no credentials needed. "
        "Qualification: the Chorus Pro test platform. Production: real deposits.",
    )
    chorus_sandbox_url = fields.Char(
        string="Sandbox URL",
        help="Technical: base URL of another sandbox (tests). Empty: the sandbox of this Odoo.",
    )
    chorus_piste_client_id = fields.Char(string="PISTE Client ID", groups="base.group_system", copy=False)
    chorus_piste_client_secret = fields.Char(
        string="PISTE Client Secret", groups="base.group_system", copy=False
    )
    chorus_login = fields.Char(string="Technical Account Login", groups="base.group_system", copy=False)
    chorus_password = fields.Char(string="Technical Account Password", groups="base.group_system", copy=False)
    chorus_supplier_structure_choice_id = fields.Many2one(
        "chorus.supplier.structure",
        string="Supplier Structure",
        domain="[('company_id', '=', id)]",
        copy=False,
        help="Your own structure on Chorus Pro. Use 'Load my structures' to fill the list.",
    )
    chorus_supplier_structure_id = fields.Integer(
        string="Supplier Structure ID",
        compute="_compute_chorus_supplier_structure_id",
        store=True,
        readonly=False,
        copy=False,
        help="idStructureCPP of your own structure on Chorus Pro.",
    )
    chorus_password_expiry = fields.Date(
        string="Technical Password Expiry",
        copy=False,
        readonly=True,
        help="Read from Chorus Pro. The password must be changed every 14 months on the Chorus Pro portal.",
    )
    # structures/v1/consulter does not always answer the expiry (the Swagger does not require it):
    # the administrator can type it, as OCA's fr_chorus_pwd_expiry_date. Reminders use the earlier.
    chorus_password_expiry_manual = fields.Date(
        string="Technical Password Expiry (entered)",
        copy=False,
        help="The date shown on the Chorus Pro portal (Raccordements > Utilisateur technique), for when "
        "Chorus Pro does not give it through the API. Reminders are sent 30 and 7 days before.",
    )
    chorus_password_expiry_due = fields.Date(
        string="Password Expires On",
        compute="_compute_chorus_password_expiry_due",
        help="The earlier of the date read from Chorus Pro and the date entered.",
    )
    # A deposit left without an answer (timeout after sending) is only declared "not received" once
    # Chorus Pro had time to integrate it: before that, not finding it proves nothing, and freeing the
    # invoice could deposit it twice. Flows integrate in seconds (3 s in the community site's example);
    # an hour covers a platform backlog.
    chorus_unknown_outcome_grace = fields.Integer(
        string="Unanswered Deposit Wait (minutes)",
        default=UNKNOWN_OUTCOME_GRACE_MINUTES,
        help="A deposit Chorus Pro did not answer stays reserved this long while Odoo looks for it on "
        "Chorus Pro; only then, if still not found, is it declared not received and can the invoice be "
        "deposited again. Raise it if Chorus Pro is slow to integrate flows.",
    )
    chorus_password_reminder_days = fields.Integer(
        string="Password Reminder Sent",
        copy=False,
        help="Technical: the smallest reminder threshold (in days) already sent for the current expiry date.",
    )
    chorus_connection_report = fields.Html(
        string="Connection Test",
        readonly=True,
        copy=False,
        sanitize=False,
        groups="base.group_system",
    )
    chorus_environment_banner = fields.Html(
        string="Chorus Pro Environment Banner",
        compute="_compute_chorus_environment_banner",
        sanitize=False,
    )

    def write(self, vals):
        expiry_keys = ("chorus_password_expiry", "chorus_password_expiry_manual")
        if any(key in vals for key in expiry_keys) and "chorus_password_reminder_days" not in vals:
            vals = {**vals, "chorus_password_reminder_days": 0}
        return super().write(vals)

    @api.depends("chorus_password_expiry", "chorus_password_expiry_manual")
    def _compute_chorus_password_expiry_due(self):
        for company in self:
            known = [
                date
                for date in (company.chorus_password_expiry, company.chorus_password_expiry_manual)
                if date
            ]
            company.chorus_password_expiry_due = min(known) if known else False

    @api.depends("chorus_supplier_structure_choice_id")
    def _compute_chorus_supplier_structure_id(self):
        for company in self:
            if company.chorus_supplier_structure_choice_id:
                company.chorus_supplier_structure_id = (
                    company.chorus_supplier_structure_choice_id.structure_id
                )

    @api.depends("chorus_environment")
    def _compute_chorus_environment_banner(self):
        for company in self:
            message = company._chorus_environment_warning()
            company.chorus_environment_banner = (
                Markup(
                    '<div class="alert alert-warning mb-2" role="alert"><i class="fa fa-flask me-1"/>%s</div>'
                )
                % message
                if message
                else False
            )

    def _chorus_environment_warning(self):
        """Text of the banner shown on Chorus screens outside production, or an empty string."""
        self.ensure_one()
        if self.chorus_environment == "sandbox":
            return self.env._(
                "Chorus Pro sandbox: nothing is sent to Chorus Pro, invoices are deposited on a simulator."
            )
        if self.chorus_environment == "qualification":
            return self.env._(
                "Chorus Pro qualification: invoices go to the Chorus Pro test platform, "
                "not to your customers."
            )
        return ""

    # ------------------------------------------------------------------
    # Client
    # ------------------------------------------------------------------
    def _chorus_sandbox_base_url(self):
        """Another sandbox's URL when one is configured (tests), else the in-process sandbox's."""
        self.ensure_one()
        url = self.chorus_sandbox_url or self.env["ir.config_parameter"].sudo().get_param(SANDBOX_URL_PARAM)
        return url.rstrip("/") if url else inprocess.BASE_URL

    def _chorus_sandbox_session(self):
        """The session reaching the in-process sandbox of this database (None for another sandbox).

        Its state is ``<data_dir>/chorus_sandbox/<database>.sqlite``, shared by every worker.
        """
        self.ensure_one()
        if self._chorus_sandbox_base_url() != inprocess.BASE_URL:
            return None
        folder = os.path.join(config["data_dir"], "chorus_sandbox")
        os.makedirs(folder, exist_ok=True)
        return inprocess.session_for(os.path.join(folder, f"{self.env.cr.dbname}.sqlite"))

    def _chorus_client(self):
        """The Chorus Pro client of this company, for its environment and stored credentials."""
        self.ensure_one()
        company = self.sudo()
        credentials = {
            "client_id": company.chorus_piste_client_id,
            "client_secret": company.chorus_piste_client_secret,
            "login": company.chorus_login,
            "password": company.chorus_password,
        }
        if company.chorus_environment == "sandbox":
            # Empty credentials fall back to the sandbox defaults: a new database works without any.
            return ChorusClient.for_sandbox(
                company._chorus_sandbox_base_url(),
                session=company._chorus_sandbox_session(),
                **{key: value for key, value in credentials.items() if value},
            )
        problem = company._chorus_connection_problem()
        if problem:
            raise UserError(problem)
        return ChorusClient.for_environment(company.chorus_environment, **credentials)

    def _chorus_connection_problem(self):
        """Why no client can be built for this company (translated), or an empty string. No network."""
        self.ensure_one()
        company = self.sudo()
        if company.chorus_environment == "sandbox":
            return ""  # empty credentials fall back to the sandbox's own
        credentials = (
            company.chorus_piste_client_id,
            company.chorus_piste_client_secret,
            company.chorus_login,
            company.chorus_password,
        )
        if all(credentials):
            return ""
        return self.env._(
            "The Chorus Pro connection of %(company)s is not configured: fill the PISTE client id and "
            "secret and the technical account login and password in Settings > Invoicing > Chorus Pro.",
            company=self.name,
        )

    def _chorus_supplier_siret(self):
        self.ensure_one()
        return compact_siret(self.company_registry)

    # ------------------------------------------------------------------
    # Supplier structures
    # ------------------------------------------------------------------
    def _chorus_load_supplier_structures(self):
        """Read the supplier structures of the technical account, select the one of the company SIRET."""
        self.ensure_one()
        try:
            structures = self._chorus_client().supplier_structures()
        except ChorusError as error:
            raise UserError(
                self.env._("Chorus Pro did not list your structures: %(error)s", error=error.message)
            ) from error
        supplier_structures = self.env["chorus.supplier.structure"].sudo()
        listed = supplier_structures.search([("company_id", "=", self.id)])
        known = {record.structure_id: record for record in listed}
        for structure in structures:
            values = {
                "identifier": structure.identifier,
                "name": structure.name,
                "is_active": structure.active,
            }
            if structure.structure_id in known:
                known.pop(structure.structure_id).write(values)
            else:
                supplier_structures.create(
                    {**values, "structure_id": structure.structure_id, "company_id": self.id}
                )
        for stale in known.values():
            if stale != self.chorus_supplier_structure_choice_id:
                stale.unlink()
        records = supplier_structures.search([("company_id", "=", self.id)])
        if not self.chorus_supplier_structure_choice_id:
            siret = self._chorus_supplier_siret()
            match = records.filtered(lambda record: record.identifier == siret) or (
                records if len(records) == 1 else None
            )
            if match:
                self.chorus_supplier_structure_choice_id = match[0]
        return records

    # ------------------------------------------------------------------
    # Connection test
    # ------------------------------------------------------------------
    def _chorus_test_connection(self):
        """Run the diagnosis, store it as an HTML report on the company, return the steps as dicts.

        Each dict: ``code``, ``ok`` (True/False/None when skipped), ``label``, ``detail``,
        ``fix_code``, ``fix`` (the translated sentence telling what to do).
        """
        self.ensure_one()
        try:
            client = self._chorus_client()
        except UserError as error:
            steps = [
                {
                    "code": STEP_TOKEN,
                    "ok": False,
                    "detail": "",
                    "fix_code": FIX_PISTE_CREDENTIALS,
                    "fix": error.args[0],
                }
            ]
        else:
            steps = [
                {
                    "code": step.code,
                    "ok": step.ok,
                    "detail": step.detail,
                    "fix_code": step.fix_code,
                    "data": step.data,
                }
                for step in run_diagnosis(client, supplier_siret=self._chorus_supplier_siret() or None)
            ]
        titles = self._chorus_diagnosis_titles()
        fixes = self._chorus_diagnosis_fixes()
        for step in steps:
            step["label"] = titles.get(step["code"], step["code"])
            step.setdefault("fix", fixes.get(step["fix_code"], "") if step["fix_code"] else "")
            if step["fix_code"] == FIX_SIRET_MISMATCH:
                step["detail"] = self.env._(
                    "company SIRET %(expected)s, structures of the account: %(found)s",
                    expected=step["data"].get("expected") or "",
                    found=step["detail"],
                )
            if step["code"] == STEP_SUPPLIER and step["ok"] and step["data"].get("structure_id"):
                self._chorus_select_supplier_structure(step["data"])
            if step["code"] == STEP_PASSWORD and step.get("data", {}).get("expiry"):
                expiry = fields.Date.to_date(step["data"]["expiry"])
                if expiry != self.chorus_password_expiry:
                    self.chorus_password_expiry = expiry
        self.sudo().chorus_connection_report = self._chorus_render_diagnosis(steps)
        return steps

    def _chorus_select_supplier_structure(self, data):
        """Remember the structure the diagnosis found when none is chosen yet."""
        if self.chorus_supplier_structure_choice_id:
            return
        supplier_structures = self.env["chorus.supplier.structure"].sudo()
        record = supplier_structures.search(
            [("company_id", "=", self.id), ("structure_id", "=", data["structure_id"])], limit=1
        ) or supplier_structures.create(
            {
                "company_id": self.id,
                "structure_id": data["structure_id"],
                "identifier": data.get("siret", ""),
                "name": data.get("name") or data.get("siret") or str(data["structure_id"]),
            }
        )
        self.chorus_supplier_structure_choice_id = record

    def _chorus_diagnosis_titles(self):
        return {
            STEP_TOKEN: self.env._("PISTE application (OAuth2 token)"),
            STEP_ACCOUNT: self.env._("Chorus Pro technical account"),
            STEP_SUPPLIER: self.env._("Supplier structure"),
            STEP_BANK: self.env._("Bank details"),
            STEP_PASSWORD: self.env._("Technical password expiry"),
        }

    def _chorus_diagnosis_fixes(self):
        return {
            FIX_PISTE_CREDENTIALS: self.env._(
                "PISTE refuses the application: check the client id and client secret (Applications tab of "
                "piste.gouv.fr) and that they belong to the chosen environment (qualification or production)."
            ),
            FIX_TECHNICAL_ACCOUNT: self.env._(
                "Chorus Pro refuses the technical account: "
                "check its login (TECH_1_...@cpro.fr) and password, "
                "and that the API connection is declared on Chorus Pro for this PISTE application."
            ),
            FIX_API_SUBSCRIPTION: self.env._(
                "Access denied: subscribe the PISTE application to the Chorus Pro APIs "
                "(Factures, Structures, Transverses, Engagements juridiques) "
                "in its 'Consentement CGU API' tab."
            ),
            FIX_NETWORK: self.env._(
                "The service does not answer: check the address and the network (proxy, firewall), "
                "then try again."
            ),
            FIX_CHORUS_REFUSED: self.env._("Chorus Pro refused the request: read the return code above."),
            FIX_NO_SUPPLIER_STRUCTURE: self.env._(
                "The technical account is attached to no active supplier structure: "
                "its main manager must attach it to your structure on Chorus Pro."
            ),
            FIX_SIRET_MISMATCH: self.env._(
                "The SIRET of the company is not among the structures of the technical account: correct the "
                "company's SIRET or use the technical account of this structure."
            ),
            FIX_BANK_ACCOUNT: self.env._(
                "No valid bank details: enter the IBAN of your structure on Chorus Pro "
                "(Mes structures > Coordonnées bancaires)."
            ),
            FIX_PASSWORD_EXPIRED: self.env._(
                "The technical account password has expired: the main manager must renew it on Chorus Pro, "
                "then enter the new one here."
            ),
            FIX_PASSWORD_EXPIRES_SOON: self.env._(
                "The technical account password expires soon: have the main manager renew it on Chorus Pro "
                "(every 14 months), then enter the new one here."
            ),
        }

    def _chorus_render_diagnosis(self, steps):
        rows = []
        for step in steps:
            if step["ok"] is None:
                icon, css = "fa-minus-circle", "text-muted"
                status = self.env._("not checked")
            elif step["ok"]:
                icon, css, status = "fa-check-circle", "text-success", self.env._("OK")
            else:
                icon, css, status = "fa-times-circle", "text-danger", self.env._("Failed")
            fix = Markup('<div class="text-danger">%s</div>') % step["fix"] if step["fix"] else ""
            rows.append(
                Markup('<li class="mb-1"><i class="fa %s %s me-1" title="%s"/><b>%s</b>%s%s</li>')
                % (
                    icon,
                    css,
                    status,
                    step["label"],
                    Markup(" &mdash; %s") % step["detail"] if step["detail"] else "",
                    fix,
                )
            )
        when = fields.Datetime.context_timestamp(self, fields.Datetime.now()).strftime("%Y-%m-%d %H:%M")
        return Markup('<div><p class="text-muted mb-1">%s</p><ul class="list-unstyled">%s</ul></div>') % (
            self.env._(
                "Tested on %(date)s (%(environment)s)",
                date=when,
                environment=self._chorus_environment_label(),
            ),
            Markup("").join(rows),
        )

    def _chorus_environment_label(self):
        return dict(self._fields["chorus_environment"]._description_selection(self.env)).get(
            self.chorus_environment, ""
        )

    # ------------------------------------------------------------------
    # Technical password expiry
    # ------------------------------------------------------------------
    def _chorus_refresh_password_expiry(self):
        self.ensure_one()
        if not self.chorus_supplier_structure_id:
            return False
        details = self._chorus_client().structure_details(self.chorus_supplier_structure_id)
        expiry = details.password_expiry
        if expiry is None:
            return False  # not answered this time: keep what was read before, and the date entered
        if isinstance(expiry, datetime.datetime):
            expiry = expiry.date()
        if expiry != self.chorus_password_expiry:
            self.chorus_password_expiry = expiry
        return expiry

    @api.model
    def _cron_chorus_password_expiry(self):
        companies = self.search([("chorus_supplier_structure_id", "!=", 0)])
        self.env["ir.cron"]._commit_progress(remaining=len(companies))
        for company in companies:
            try:
                company._chorus_refresh_password_expiry()
            except (ChorusError, UserError) as error:
                _logger.warning("Chorus Pro: password expiry of company %s not read: %s", company.id, error)
            company._chorus_remind_password_expiry()
            self.env["ir.cron"]._commit_progress(1)

    def _chorus_remind_password_expiry(self, today=None):
        """Schedule a to-do for the Chorus administrators 30 and 7 days before the password expires."""
        self.ensure_one()
        expiry = self.chorus_password_expiry_due
        if not expiry:
            return False
        today = today or fields.Date.context_today(self)
        days_left = (expiry - today).days
        due = [days for days in PASSWORD_REMINDER_DAYS if days_left <= days]
        if not due:
            return False
        threshold = min(due)
        if self.chorus_password_reminder_days and self.chorus_password_reminder_days <= threshold:
            return False
        managers = self.env.ref("l10n_fr_chorus_connect.group_chorus_manager").all_user_ids.filtered(
            lambda user: not user.share and user.active
        )
        managers = managers.filtered(lambda user: self in user.company_ids) or managers
        for user in managers:
            # A cron has no language in its context: each manager reads the to-do in their own.
            env = self.with_context(lang=user.lang or self.partner_id.lang).env
            date = format_date(env, expiry)
            self.partner_id.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=min(expiry, today + datetime.timedelta(days=threshold)),
                summary=env._("Chorus Pro technical password expires on %(date)s", date=date),
                note=Markup("<p>%s</p>")
                % env._(
                    "The password of the Chorus Pro technical account %(login)s of %(company)s expires on "
                    "%(date)s. Its main manager must change it on the Chorus Pro portal (Raccordements > "
                    "Utilisateur technique), then enter the new password in Settings > Invoicing > "
                    "Chorus Pro.",
                    login=self.sudo().chorus_login or "",
                    company=self.name,
                    date=date,
                ),
                user_id=user.id,
            )
        self.sudo().chorus_password_reminder_days = threshold
        return True
