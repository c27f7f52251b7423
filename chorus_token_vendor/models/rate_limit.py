"""Rate limits of the public API, counted in PostgreSQL on the API call log (shared by workers).

Limits (calls per minute; system parameters, 0 disables): ``chorus_token_vendor.rate_limit_ip``
(every call from one IP address), ``chorus_token_vendor.rate_limit_customer`` (authenticated calls
of one customer), ``chorus_token_vendor.rate_limit_registration`` (registrations per IP per hour).
"""

DEFAULTS = {"ip": 120, "customer": 60, "registration": 10}
WINDOWS = {"ip": 60, "customer": 60, "registration": 3600}


def _limit(env, kind):
    value = env["ir.config_parameter"].sudo().get_param(f"chorus_token_vendor.rate_limit_{kind}")
    try:
        return int(value) if value not in (None, False, "") else DEFAULTS[kind]
    except ValueError:
        return DEFAULTS[kind]


def _check(env, kind, where, params):
    from ..controllers.api import ApiError

    limit = _limit(env, kind)
    if limit <= 0:
        return
    window = WINDOWS[kind]
    env.cr.execute(
        f"""SELECT count(*), min(called_at) FROM chorus_vendor_api_log
             WHERE {where} AND called_at > (now() at time zone 'UTC') - %s * interval '1 second'""",
        (*params, window),
    )
    count, oldest = env.cr.fetchone()
    if count >= limit:
        env.cr.execute("SELECT extract(epoch FROM %s - (now() at time zone 'UTC'))", (oldest,))
        retry_after = max(1, int(window + env.cr.fetchone()[0]) + 1)
        raise ApiError(
            429,
            "rate_limited",
            f"too many calls ({limit} per {window} s): retry in {retry_after} s",
            {"Retry-After": str(retry_after)},
        )


def check_rate_limit(env, ip=None, customer=None, registration=False):
    if customer is not None:
        _check(env, "customer", "customer_id = %s", (customer.id,))
        return
    _check(env, "ip", "ip = %s", (ip,))
    if registration:
        _check(
            env, "registration", "ip = %s AND endpoint = '/vendor/v2/customers' AND method = 'POST'", (ip,)
        )
