#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: scripts/test.sh [cargo test args...]
#
# 1. Python: a venv at .venv with tests/python/requirements.txt (the OpenLineage
#    client used by tests/tests/python_client.rs; dbt-core and dbt-postgres, and the
#    SARIF schema package, for tests/tests/check_dbt.rs), made anew whenever that file
#    changes; exported as WEFT_TEST_PYTHON.
# 2. Node.js (18 or newer) with npm: `npm ci` in tests/conformance (graphql-js, pinned
#    by its package-lock.json, for tests/tests/graphql_conformance.rs) when node_modules
#    is missing or the lock file changed; node exported as WEFT_TEST_NODE. Without
#    Node the conformance test skips with a note, except under CI, where this fails.
# 3. The web UI: `npm ci` in web/ (same stamp-file rule as tests/conformance; needs the
#    Node.js of step 2); Chromium for the browser tests (tests/tests/web_ui.rs):
#    WEFT_CHROMIUM if set, else /usr/bin/chromium, else `apt-get install chromium` when
#    running as root or with passwordless sudo, exported as WEFT_CHROMIUM (without it the
#    browser tests skip with a note, except under CI, where this fails); then the
#    committed bundle is checked: web/scripts/check-dist.sh rebuilds web/ into a temp dir
#    and fails when web/dist or web/src/gql differ from what the sources build, and
#    web/scripts/budget.mjs fails when the initial JavaScript is over 250 kB gzipped.
# 4. PostgreSQL, exported as WEFT_TEST_DATABASE_URL (tests create and drop their
#    own databases through it, so it must be allowed to create databases):
#    - WEFT_TEST_DATABASE_URL if already set;
#    - else a server on 127.0.0.1:5432 that lets user postgres in;
#    - else a throwaway cluster (initdb, trust auth, a free port on 127.0.0.1),
#      stopped and deleted when this script exits.
#    WEFT_TEST_FORCE_THROWAWAY_PG=1 skips the first two (to test this script).
#    With no PostgreSQL the Postgres variants skip with a note, except under CI,
#    where this script fails.
# 5. MariaDB/MySQL for the crawler tests, exported as WEFT_TEST_MYSQL_URL:
#    - WEFT_TEST_MYSQL_URL if already set (`skip` skips those tests);
#    - else a server on 127.0.0.1:3306 that lets root in without a password;
#    - else a throwaway server (mariadb-install-db + mariadbd in a temp dir, a free
#      port), stopped and deleted when this script exits;
#    - else the MySQL variants skip with a note, except under CI, where this fails.
# 6. cargo build -p weft-catalog-server --bin weft, then cargo test --workspace "$@".
#    The external corpora (OpenLineage spec and events, lineage gold set, TPC queries)
#    are found at WEFT_SHARED_DIR, else ../shared beside this checkout; the checks that
#    need them skip without them (except under CI) and append a line to
#    WEFT_SKIPPED_CORPORA_LOG, listed at the end of the run.
set -euo pipefail

cd "$(dirname "$0")/.."

say() { echo "test.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
in_ci() { [[ -n "${CI:-}" ]]; }

# --- 1. Python ---------------------------------------------------------------

requirements=tests/python/requirements.txt
stamp=.venv/requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ -x .venv/bin/python ]] && .venv/bin/python -c '' 2>/dev/null &&
    [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    say "Python: .venv is up to date"
else
    say "Python: installing $requirements into .venv"
    rm -rf .venv
    python3 -m venv .venv || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" >"$stamp"
fi
export WEFT_TEST_PYTHON="$PWD/.venv/bin/python"

# --- 2. Node.js --------------------------------------------------------------

conformance=tests/conformance
node_stamp=$conformance/node_modules/.weft-package-lock.sha256
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    in_ci && die "no node/npm for the GraphQL conformance test, and CI is set: install Node.js 18+ with npm"
    say "warning: no node/npm; the GraphQL conformance test will skip"
    unset WEFT_TEST_NODE
elif ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
    die "Node.js $(node --version) is too old for tests/conformance: it needs 18 or newer"
else
    node_want=$(sha256sum "$conformance/package-lock.json" | cut -d' ' -f1)
    if [[ -d $conformance/node_modules && "$(cat "$node_stamp" 2>/dev/null)" == "$node_want" ]]; then
        say "Node: $conformance/node_modules is up to date"
    else
        say "Node: npm ci in $conformance"
        (cd "$conformance" && npm ci --no-audit --no-fund --loglevel=error) ||
            die "npm ci in $conformance failed (is the npm registry reachable?)"
        echo "$node_want" >"$node_stamp"
    fi
    WEFT_TEST_NODE=$(command -v node)
    export WEFT_TEST_NODE
fi

# --- 3. The web UI ------------------------------------------------------------

# Vite and playwright-core need Node.js ^20.19 or >= 22.12.
web_node_ok() {
    "$WEFT_TEST_NODE" -e 'const [a, b] = process.versions.node.split(".").map(Number);
        process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1)'
}
if [[ -n "${WEFT_TEST_NODE:-}" ]] && ! web_node_ok; then
    in_ci && die "Node.js $("$WEFT_TEST_NODE" --version) is too old for web/ (Vite needs ^20.19 or >= 22.12), and CI is set"
    say "warning: Node.js $("$WEFT_TEST_NODE" --version) is too old for web/ (^20.19 or >= 22.12): bundle checks and browser tests skip"
elif [[ -n "${WEFT_TEST_NODE:-}" ]]; then
    web_started=$SECONDS
    web_stamp=web/node_modules/.weft-package-lock.sha256
    web_want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
    if [[ -d web/node_modules && "$(cat "$web_stamp" 2>/dev/null)" == "$web_want" ]]; then
        say "Node: web/node_modules is up to date"
    else
        say "Node: npm ci in web"
        (cd web && npm ci --no-audit --no-fund --loglevel=error) ||
            die "npm ci in web failed (is the npm registry reachable?)"
        echo "$web_want" >"$web_stamp"
    fi

    # Chromium for the browser tests.
    chromium=${WEFT_CHROMIUM:-/usr/bin/chromium}
    if [[ ! -x "$chromium" && -z "${WEFT_CHROMIUM:-}" ]]; then
        as_root=()
        if [[ $EUID -ne 0 ]] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
        if [[ $EUID -eq 0 || ${#as_root[@]} -gt 0 ]] && command -v apt-get >/dev/null; then
            say "Chromium: apt-get install chromium"
            { "${as_root[@]}" apt-get update -qq &&
                "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null ||
                say "apt-get install chromium failed"
        fi
    fi
    if [[ -x "$chromium" ]]; then
        export WEFT_CHROMIUM=$chromium
        say "Chromium: $chromium ($("$chromium" --version 2>/dev/null | head -n 1))"
    elif in_ci; then
        die "no Chromium for the browser tests, and CI is set: apt-get install chromium or set WEFT_CHROMIUM"
    else
        say "warning: no Chromium ($chromium); the browser tests will skip"
        unset WEFT_CHROMIUM
    fi

    # The committed bundle: what the sources build, and within its size budget.
    check_started=$SECONDS
    web/scripts/check-dist.sh || die "web/dist is not what web/ builds (above)"
    budget=$("$WEFT_TEST_NODE" web/scripts/budget.mjs) ||
        { echo "$budget" >&2; die "the UI's initial JavaScript is over budget (above)"; }
    say "web: bundle checked in $((SECONDS - check_started)) s; ${budget##*$'\n'}"
    say "web: step took $((SECONDS - web_started)) s"
else
    say "warning: no Node.js; the web UI's bundle checks and browser tests skip"
fi

# --- 4. PostgreSQL -----------------------------------------------------------

# Succeeds when the URL accepts a query (never prompts for a password).
pg_works() { PGCONNECT_TIMEOUT=3 psql -w "$1" -Atqc 'select 1' >/dev/null 2>&1; }

# A PostgreSQL program from PATH, else from the newest /usr/lib/postgresql/*/bin.
pg_bin() {
    command -v "$1" 2>/dev/null ||
        find /usr/lib/postgresql/*/bin -maxdepth 1 -name "$1" 2>/dev/null | sort -V | tail -n 1 | grep .
}

# initdb and postgres refuse to run as root: run them as user postgres then.
as_postgres() {
    if [[ $EUID -ne 0 ]]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

pg_dir="" pg_ctl=""
stop_throwaway_pg() {
    [[ -n "$pg_dir" ]] || return 0
    if [[ -f "$pg_dir/data/postmaster.pid" ]]; then
        as_postgres "$pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
}

# Starts a cluster in a temp dir; sets WEFT_TEST_DATABASE_URL, or returns 1.
start_throwaway_pg() {
    local initdb port
    initdb=$(pg_bin initdb) || { say "no initdb found"; return 1; }
    pg_ctl=$(pg_bin pg_ctl) || { say "no pg_ctl found"; return 1; }
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        say "running as root and there is no postgres user to run initdb as"
        return 1
    fi
    pg_dir=$(mktemp -d /tmp/weft-test-pg.XXXXXX)
    trap stop_throwaway_pg EXIT
    trap 'exit 130' INT TERM HUP # so that the EXIT trap runs
    [[ $EUID -ne 0 ]] || chown postgres "$pg_dir"
    port=$("$WEFT_TEST_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >"$pg_dir/initdb.log" 2>&1 ||
        { cat "$pg_dir/initdb.log" >&2; return 1; }
    as_postgres "$pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -s start \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$pg_dir -c fsync=off" ||
        { cat "$pg_dir/server.log" >&2; return 1; }
    WEFT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    say "PostgreSQL: throwaway cluster in $pg_dir on port $port"
}

local_url="postgres://postgres@127.0.0.1:5432/postgres"
if ! command -v psql >/dev/null; then
    # The tests create their databases with psql.
    say "no psql found"
    unset WEFT_TEST_DATABASE_URL
elif [[ -n "${WEFT_TEST_FORCE_THROWAWAY_PG:-}" ]]; then
    start_throwaway_pg || unset WEFT_TEST_DATABASE_URL
elif [[ -n "${WEFT_TEST_DATABASE_URL:-}" ]]; then
    say "PostgreSQL: WEFT_TEST_DATABASE_URL from the environment"
elif pg_works "$local_url"; then
    WEFT_TEST_DATABASE_URL=$local_url
    say "PostgreSQL: the server on 127.0.0.1:5432"
else
    start_throwaway_pg || unset WEFT_TEST_DATABASE_URL
fi

if [[ -n "${WEFT_TEST_DATABASE_URL:-}" ]]; then
    pg_works "$WEFT_TEST_DATABASE_URL" || die "PostgreSQL at WEFT_TEST_DATABASE_URL does not answer"
    export WEFT_TEST_DATABASE_URL
    pg_desc="with PostgreSQL"
elif in_ci; then
    die "no PostgreSQL for the tests, and CI is set: install PostgreSQL (initdb, pg_ctl, psql) or set WEFT_TEST_DATABASE_URL"
else
    say "warning: no PostgreSQL; the Postgres variants of the tests will skip"
    pg_desc="WITHOUT PostgreSQL"
fi

# --- 5. MariaDB / MySQL ------------------------------------------------------

my_works() { # host port
    command -v mariadb >/dev/null &&
        mariadb --connect-timeout=3 -h "$1" -P "$2" -u root -e 'select 1' >/dev/null 2>&1
}

my_dir=""
stop_throwaway_my() {
    [[ -n "$my_dir" ]] || return 0
    if [[ -f "$my_dir/mariadbd.pid" ]]; then
        kill "$(cat "$my_dir/mariadbd.pid")" 2>/dev/null || true
        for _ in $(seq 50); do [[ -f "$my_dir/mariadbd.pid" ]] || break; sleep 0.1; done
    fi
    rm -rf "$my_dir"
}

# Starts a throwaway MariaDB; sets WEFT_TEST_MYSQL_URL, or returns 1.
start_throwaway_my() {
    local install server port user=()
    install=$(command -v mariadb-install-db || command -v mysql_install_db) || { say "no mariadb-install-db found"; return 1; }
    server=$(command -v mariadbd || find /usr/sbin -maxdepth 1 -name mariadbd | grep .) || { say "no mariadbd found"; return 1; }
    my_dir=$(mktemp -d /tmp/weft-test-my.XXXXXX)
    trap 'stop_throwaway_pg; stop_throwaway_my' EXIT
    if [[ $EUID -eq 0 ]]; then
        id mysql >/dev/null 2>&1 || { say "running as root and there is no mysql user"; return 1; }
        chown mysql "$my_dir"
        user=(--user=mysql)
    fi
    port=$("$WEFT_TEST_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$install" --no-defaults "${user[@]}" --datadir="$my_dir/data" --auth-root-authentication-method=normal \
        --skip-test-db >"$my_dir/install.log" 2>&1 || { cat "$my_dir/install.log" >&2; return 1; }
    "$server" --no-defaults "${user[@]}" --datadir="$my_dir/data" --port="$port" --bind-address=127.0.0.1 \
        --socket="$my_dir/mysqld.sock" --pid-file="$my_dir/mariadbd.pid" --skip-grant-tables=0 \
        >"$my_dir/server.log" 2>&1 &
    for _ in $(seq 100); do my_works 127.0.0.1 "$port" && break; sleep 0.2; done
    my_works 127.0.0.1 "$port" || { cat "$my_dir/server.log" >&2; return 1; }
    WEFT_TEST_MYSQL_URL="mysql://root@127.0.0.1:$port"
    say "MariaDB: throwaway server in $my_dir on port $port"
}

if [[ -n "${WEFT_TEST_MYSQL_URL:-}" ]]; then
    say "MariaDB: WEFT_TEST_MYSQL_URL from the environment"
elif my_works 127.0.0.1 3306; then
    WEFT_TEST_MYSQL_URL="mysql://root@127.0.0.1:3306"
    say "MariaDB: the server on 127.0.0.1:3306"
elif start_throwaway_my; then
    :
elif in_ci; then
    die "no MariaDB/MySQL for the crawler tests, and CI is set: install mariadb-server or set WEFT_TEST_MYSQL_URL"
else
    say "warning: no MariaDB; the MySQL crawler tests will skip"
    WEFT_TEST_MYSQL_URL=skip
fi
export WEFT_TEST_MYSQL_URL

# --- 6. Rust -----------------------------------------------------------------

# The skipped corpus checks of this run only.
skipped_log="${CARGO_TARGET_DIR:-$PWD/target}/weft-skipped-corpora.log"
mkdir -p "$(dirname "$skipped_log")"
: >"$skipped_log"
export WEFT_SKIPPED_CORPORA_LOG=$skipped_log

report_skipped() {
    local n
    n=$(sort -u "$skipped_log" | grep -c . || true)
    if [[ $n -gt 0 ]]; then
        say "$n corpus checks skipped (set WEFT_SHARED_DIR to the external corpora to run them):"
        sort -u "$skipped_log" | sed 's/^/  /' >&2
    fi
}

cargo build -p weft-catalog-server --bin weft
if cargo test --workspace "$@"; then
    report_skipped
    say "PASSED: all tests ($pg_desc)"
else
    status=$?
    report_skipped
    say "FAILED: cargo test exited with $status"
    exit "$status"
fi
