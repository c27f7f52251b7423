from odoo import api, fields, models

RETENTION_DAYS = 90


class ChorusVendorApiLog(models.Model):
    """Every call to /vendor/v2, written on its own cursor so that failed calls are logged too."""

    _name = "chorus.vendor.api.log"
    _description = "Token Vendor API Call"
    _order = "id desc"
    _log_access = False

    called_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    customer_id = fields.Many2one("chorus.vendor.customer", readonly=True, index="btree_not_null")
    ip = fields.Char(string="IP Address", readonly=True)
    method = fields.Char(readonly=True)
    endpoint = fields.Char(readonly=True)
    status = fields.Integer(readonly=True)
    code = fields.Char(string="Error Code", readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)

    _ip_time_idx = models.Index("(ip, called_at)")
    _customer_time_idx = models.Index("(customer_id, called_at) WHERE customer_id IS NOT NULL")

    @api.autovacuum
    def _gc_old_calls(self):
        self.env.cr.execute(
            "DELETE FROM chorus_vendor_api_log"
            " WHERE called_at < now() at time zone 'UTC' - %s * interval '1 day'",
            (RETENTION_DAYS,),
        )
