# Sourced by tests/run: the token vendor (chorus_token_vendor) on its own database, served over
# HTTP in the background for the customer's 2-database tests, plus the vendor's own test tier.
#   vendor_start  (run in the background): database, key file, configuration, server; writes
#                 $vendor_dir/env (exports for the customer tests) or $vendor_dir/failed.
#   vendor_wait   : waits for it and exports the CHORUS_TEST_VENDOR_* variables.
#   run_vendor_tier, vendor_stop.

vendor_dir="$logdir/vendor"
vendor_db=${CHORUS_TEST_VENDOR_DB_NAME:-chorus_vendor_$(date +%s)_$$}
vendor_base_port=${CHORUS_TEST_HTTP_PORT:-$((20000 + $$ % 20000))}
vendor_port=$((vendor_base_port + 5))
vendor_test_port=$((vendor_base_port + 6))

# tests/run defines it (it starts PostgreSQL when down); tests/vendor_serve only checks.
declare -F ensure_postgres >/dev/null || ensure_postgres() { psql -d postgres -Atc 'select 1' >/dev/null 2>&1; }

vendor_start() {
    mkdir -p "$vendor_dir"
    local log="$vendor_dir/setup.log"
    {
        ensure_postgres &&
            python3 "$repo/tests/vendor_keys.py" "$vendor_dir/keys.json" ci-1 ci-2 >"$vendor_dir/keys.env" &&
            timeout 600 python3 -m odoo db --data-dir "$vendor_dir/data" --addons-path "$repo" init "$vendor_db" \
                --country FR &&
            timeout 900 python3 -m odoo --addons-path="$repo" --data-dir="$vendor_dir/data" -d "$vendor_db" \
                -i chorus_token_vendor,payment_demo --stop-after-init --http-port "$vendor_port" --log-level=warn &&
            VENDOR_BASE_URL="http://127.0.0.1:$vendor_port" timeout 300 python3 -m odoo shell --addons-path="$repo" \
                --data-dir="$vendor_dir/data" -d "$vendor_db" --no-http \
                <"$repo/tests/vendor_setup.py"
    } >"$log" 2>&1 || {
        echo "vendor database setup failed, see $log" >"$vendor_dir/failed"
        return
    }
    # exec: the recorded pid is Odoo's own, so that vendor_stop stops the server itself.
    (
        export CHORUS_TOKEN_VENDOR_KEY_FILE="$vendor_dir/keys.json" CHORUS_TOKEN_VENDOR_KEY_ID=ci-1
        exec python3 -m odoo --addons-path="$repo" --data-dir="$vendor_dir/data" -d "$vendor_db" \
            --db-filter="^$vendor_db\$" --http-interface 127.0.0.1 --http-port "$vendor_port" \
            --workers 0 --max-cron-threads 0 >"$vendor_dir/server.log" 2>&1
    ) &
    echo $! >"$vendor_dir/server.pid"
    for _ in $(seq 1 120); do
        if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" \
            "http://127.0.0.1:$vendor_port/vendor/v2/packs" >/dev/null 2>&1; then
            {
                cat "$vendor_dir/keys.env"
                echo "export CHORUS_TEST_VENDOR_URL=http://127.0.0.1:$vendor_port"
                echo "export CHORUS_TEST_VENDOR_DB=$vendor_db"
                echo "export CHORUS_TEST_VENDOR_ADMIN_LOGIN=admin CHORUS_TEST_VENDOR_ADMIN_PASSWORD=admin"
            } >"$vendor_dir/env.tmp" && mv "$vendor_dir/env.tmp" "$vendor_dir/env"
            return
        fi
        sleep 1
    done
    echo "the vendor server did not answer on port $vendor_port, see $vendor_dir/server.log" >"$vendor_dir/failed"
}

vendor_wait() {
    for _ in $(seq 1 900); do
        [ -f "$vendor_dir/env" ] && break
        [ -f "$vendor_dir/failed" ] && break
        sleep 1
    done
    if [ -f "$vendor_dir/env" ]; then
        # shellcheck disable=SC1091
        source "$vendor_dir/env"
        return 0
    fi
    cat "$vendor_dir/failed" 2>/dev/null || echo "the vendor was not ready after 15 minutes"
    tail -n 30 "$vendor_dir/setup.log" 2>/dev/null
    return 1
}

# The vendor addon's own tests (post_install HttpCase) on the served vendor database: nothing
# they do is committed, so the customer tests keep a clean vendor.
run_vendor_tier() {
    local tier="vendor tier (chorus_token_vendor)"
    echo "=== $tier: tests on the vendor database ==="
    if [ ! -f "$vendor_dir/env" ]; then
        summary+=("$tier: FAILED (the vendor database could not be set up: $(cat "$vendor_dir/failed" 2>/dev/null))")
        status=1
        return
    fi
    local log="$logdir/odoo-tests-chorus_token_vendor.log"
    timeout 900 python3 -m odoo --addons-path="$repo" --data-dir="$vendor_dir/data" -d "$vendor_db" \
        --db-filter="^$vendor_db\$" --test-tags "/chorus_token_vendor" --stop-after-init \
        --http-port "$vendor_test_port" --max-cron-threads 0 --log-level=test >"$log" 2>&1
    local rc=$?
    record_odoo_result "$tier" "$rc" "$log"
}

vendor_stop() {
    if [ -f "$vendor_dir/server.pid" ]; then
        local pid
        pid=$(cat "$vendor_dir/server.pid")
        kill "$pid" 2>/dev/null
        for _ in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
    python3 -m odoo db --data-dir "$vendor_dir/data" --addons-path "$repo" drop "$vendor_db" >/dev/null 2>&1 || true
}
