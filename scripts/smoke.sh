#!/usr/bin/env bash
# Fresh-machine smoke test: `npm start` with no DATABASE_URL (embedded PostgreSQL, demo data)
# in a brand-new DATA_DIR, then the same data dir again after a clean stop and after crashes.
#
#   1. first start      → /health/ready, demo admin login, /auth/me, /docs-json; SIGTERM
#   2. second start     → reuses the cluster, demo data not loaded again; kill -9 of the group
#   3. third start      → recovers from the crash; kill -9 of the Node process only (the
#                          embedded postmaster survives it)
#   4. fourth start     → stops the leftover server and comes up; SIGTERM
# After every clean stop no process of the embedded server may be left.
#
# Settings (environment): SMOKE_PORT (3123), SMOKE_EMBEDDED_PG_PORT (the app's default if unset).
# Needs Linux (/proc), node, ps, setsid and the project's node_modules (`npm ci`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in node npm setsid ps find; do
  command -v "$tool" >/dev/null || { echo "[smoke] FAILED: \`$tool\` is not installed" >&2; exit 1; }
done

PORT="${SMOKE_PORT:-3123}"
BASE="http://127.0.0.1:${PORT}"
ADMIN_EMAIL_DEMO='registrar@coe.example'
DEMO_PASSWORD='Demining-Demo-2026'
READY_TIMEOUT=120
STOP_TIMEOUT=30

# A fresh data dir under /tmp: the embedded server runs as the OS user `postgres` when we are
# root, and that user must be able to traverse every parent (mktemp makes it 0700).
DATA_DIR="$(mktemp -d /tmp/coe-smoke-data.XXXXXX)"
chmod 755 "$DATA_DIR"
LOG_DIR="$(mktemp -d /tmp/coe-smoke-logs.XXXXXX)"

APP_PGID=''
CURRENT_LOG=''
RUN=0

log() { printf '[smoke %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

print_logs() {
  local f
  for f in "$LOG_DIR"/app-*.log; do
    [ -e "$f" ] || continue
    printf '\n----- %s -----\n' "$(basename "$f")"
    cat "$f"
    printf -- '----- end of %s -----\n' "$(basename "$f")"
  done
}

fail() {
  printf '\n[smoke] FAILED: %s\n' "$*" >&2
  print_logs >&2
  exit 1
}

# Processes of a process group that are still running (zombies excluded: they are dead, only
# waiting to be reaped, and PID 1 in a container does not always reap them).
group_alive() {
  ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

pid_running() {
  [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# Anything still running from the embedded cluster: command line naming the data dir, or a
# working directory inside it (PostgreSQL's own child processes chdir into the cluster).
# Prints their pids.
leftover_postgres() {
  local path pid comm
  {
    grep -lsaF -- "$DATA_DIR" /proc/[0-9]*/cmdline || true
    find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "*$DATA_DIR*" 2>/dev/null || true
  } | while read -r path; do
    pid="${path#/proc/}"
    pid="${pid%%/*}"
    comm=''
    read -r comm 2>/dev/null <"/proc/$pid/comm" || true
    # The search itself (grep's own command line holds the data dir) does not count.
    case "$comm" in grep | find | '') continue ;; esac
    pid_running "$pid" && printf '%s ' "$pid"
  done | tr ' ' '\n' | sort -un | tr '\n' ' '
  return 0
}

cleanup() {
  local rc=$?
  if [ -n "$APP_PGID" ] && group_alive "$APP_PGID"; then
    log "cleanup: stopping the app (process group $APP_PGID)"
    kill -TERM -- "-$APP_PGID" 2>/dev/null || true
    for _ in $(seq 1 20); do group_alive "$APP_PGID" || break; sleep 0.5; done
    kill -KILL -- "-$APP_PGID" 2>/dev/null || true
  fi
  local pids
  pids="$(leftover_postgres)"
  if [ -n "$pids" ]; then
    log "cleanup: killing leftover embedded PostgreSQL processes: $pids"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
  fi
  if [ "$rc" -eq 0 ]; then
    rm -rf "$DATA_DIR" "$LOG_DIR"
  else
    log "kept for inspection: data in $DATA_DIR, logs in $LOG_DIR"
  fi
}
trap cleanup EXIT
# On a signal (e.g. CI's timeout) exit through the EXIT trap, so the app is stopped too.
trap 'exit 143' TERM
trap 'exit 130' INT

# http METHOD URL [JSON_BODY] [BEARER_TOKEN]: prints the status code on the first line, then the
# body. Status 000 means no HTTP answer at all (connection refused, timeout).
http() {
  node -e '
    const [method, url, body, token] = process.argv.slice(1);
    const headers = {};
    if (body) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    fetch(url, { method, headers, body: body || undefined, signal: AbortSignal.timeout(10000) })
      .then(async (res) => process.stdout.write(`${res.status}\n${await res.text()}`))
      .catch((err) => process.stdout.write(`000\n${err.cause?.code ?? err.message}`));
  ' "$@"
}

# json_field FIELD_PATH: reads JSON on stdin, prints the value at a dotted path ('' if absent).
json_field() {
  node -e '
    let text = "";
    process.stdin.on("data", (c) => (text += c)).on("end", () => {
      let value;
      try { value = process.argv[1].split(".").reduce((o, k) => (o == null ? o : o[k]), JSON.parse(text)); }
      catch { value = undefined; }
      process.stdout.write(value == null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));
    });
  ' "$1"
}

start_app() {
  RUN=$((RUN + 1))
  CURRENT_LOG="$LOG_DIR/app-$RUN-$1.log"
  if [ "$(http GET "$BASE/health/live" | head -n1)" != 000 ]; then
    fail "something already answers on port $PORT; set SMOKE_PORT to a free port"
  fi
  log "start #$RUN ($1): npm start with DATA_DIR=$DATA_DIR PORT=$PORT"
  # A session of its own (setsid), so the whole tree (npm, sh, node, postgres) can be signalled
  # as one process group. Without job control the background child is no group leader, so
  # setsid does not fork and $! is the session leader: its pid is the group id.
  env -u DATABASE_URL -u NODE_ENV -u PUBLIC_BASE_URL -u ADMIN_EMAIL -u ADMIN_PASSWORD \
    -u JWT_SECRET -u KEY_ENCRYPTION_SECRET -u HOST \
    DATA_DIR="$DATA_DIR" PORT="$PORT" ${SMOKE_EMBEDDED_PG_PORT:+EMBEDDED_PG_PORT="$SMOKE_EMBEDDED_PG_PORT"} \
    setsid npm start </dev/null >"$CURRENT_LOG" 2>&1 &
  APP_PGID=$!
  # Out of the job table: no "Killed" notices from bash; it still reaps the process.
  disown "$APP_PGID"
  sleep 0.2
  local pgid
  pgid="$(ps -o pgid= -p "$APP_PGID" 2>/dev/null | tr -d ' ' || true)"
  if [ -n "$pgid" ] && [ "$pgid" != "$APP_PGID" ]; then
    fail "setsid did not give the app its own process group (pid $APP_PGID is in group $pgid)"
  fi

  local started=$SECONDS status
  while :; do
    status="$(http GET "$BASE/health/ready" | head -n1)"
    [ "$status" = 200 ] && break
    group_alive "$APP_PGID" || fail "start #$RUN ($1): the app exited before it was ready"
    if ((SECONDS - started >= READY_TIMEOUT)); then
      fail "start #$RUN ($1): /health/ready not 200 after ${READY_TIMEOUT}s (last status $status)"
    fi
    sleep 1
  done
  log "start #$RUN ($1): /health/ready = 200 after $((SECONDS - started))s"
}

# Signals the app's process group and waits for every process in it to exit.
stop_app() {
  local signal=$1 timeout=$2 started=$SECONDS
  log "sending SIG$signal to process group $APP_PGID"
  kill "-$signal" -- "-$APP_PGID" 2>/dev/null || true
  while group_alive "$APP_PGID"; do
    if ((SECONDS - started >= timeout)); then
      ps -o pid,pgid,stat,args -g "$APP_PGID" >&2 || true
      fail "the app's processes did not exit within ${timeout}s of SIG$signal"
    fi
    sleep 0.5
  done
  log "process group $APP_PGID gone after $((SECONDS - started))s"
  APP_PGID=''
}

assert_no_leftover_postgres() {
  local pids
  pids="$(leftover_postgres)"
  if [ -n "$pids" ]; then
    ps -o pid,ppid,pgid,stat,args -p "${pids// /,}" >&2 || true
    fail "embedded PostgreSQL processes still running after $1: $pids"
  fi
  log "no embedded PostgreSQL process left after $1"
}

# Logs in as the demo admin and checks /auth/me; sets TOKEN.
check_login() {
  local answer status body
  answer="$(http POST "$BASE/api/v1/auth/login" \
    "{\"email\":\"$ADMIN_EMAIL_DEMO\",\"password\":\"$DEMO_PASSWORD\"}")"
  status="$(head -n1 <<<"$answer")"
  body="$(tail -n +2 <<<"$answer")"
  [ "$status" = 200 ] || fail "login as $ADMIN_EMAIL_DEMO: HTTP $status: $body"
  TOKEN="$(json_field accessToken <<<"$body")"
  [ -n "$TOKEN" ] || fail "login answer has no accessToken: $body"
  log "login as $ADMIN_EMAIL_DEMO: 200 with an accessToken"

  answer="$(http GET "$BASE/api/v1/auth/me" '' "$TOKEN")"
  status="$(head -n1 <<<"$answer")"
  body="$(tail -n +2 <<<"$answer")"
  [ "$status" = 200 ] || fail "GET /api/v1/auth/me: HTTP $status: $body"
  [ "$(json_field email <<<"$body")" = "$ADMIN_EMAIL_DEMO" ] || fail "GET /api/v1/auth/me answered $body"
  log "GET /api/v1/auth/me: 200, $ADMIN_EMAIL_DEMO"
}

# How many user accounts exist, in USERS (the demo seed must not run twice on the same data).
count_users() {
  local answer status body
  answer="$(http GET "$BASE/api/v1/users?limit=200" '' "$TOKEN")"
  status="$(head -n1 <<<"$answer")"
  body="$(tail -n +2 <<<"$answer")"
  [ "$status" = 200 ] || fail "GET /api/v1/users: HTTP $status: $body"
  USERS="$(json_field items.length <<<"$body")"
}

check_docs() {
  local answer status
  answer="$(http GET "$BASE/docs-json")"
  status="$(head -n1 <<<"$answer")"
  [ "$status" = 200 ] || fail "GET /docs-json: HTTP $status"
  [ -n "$(tail -n +2 <<<"$answer" | json_field openapi)" ] || fail "GET /docs-json is not an OpenAPI document"
  log "GET /docs-json: 200, an OpenAPI document"
}

log_must_contain() {
  grep -qF -- "$1" "$CURRENT_LOG" || fail "start #$RUN: expected \"$1\" in the app's output"
}
log_must_not_contain() {
  if grep -qF -- "$1" "$CURRENT_LOG"; then fail "start #$RUN: unexpected \"$1\" in the app's output"; fi
}

SMOKE_STARTED=$SECONDS

# 1. A fresh machine: new cluster, migrations, demo data, banner with the demo accounts.
start_app fresh
log_must_contain 'Loaded the demo data set.'
[ -f "$DATA_DIR/postgres/PG_VERSION" ] ||
  fail "the embedded PostgreSQL cluster is not in \$DATA_DIR/postgres ($DATA_DIR/postgres/PG_VERSION missing)"
log_must_contain "$ADMIN_EMAIL_DEMO"
check_login
check_docs
count_users
USERS_AFTER_SEED=$USERS
[ -n "$USERS_AFTER_SEED" ] && [ "$USERS_AFTER_SEED" -gt 0 ] || fail "no user accounts after the first start"
log "user accounts after the first start: $USERS_AFTER_SEED"
stop_app TERM "$STOP_TIMEOUT"
assert_no_leftover_postgres 'SIGTERM'

same_users() {
  count_users
  [ "$USERS" = "$USERS_AFTER_SEED" ] || fail "$1: $USERS_AFTER_SEED user accounts before, $USERS now"
}

# 2. Same data dir again: the cluster and its data are reused, the demo data is not loaded twice.
start_app restart
log_must_not_contain 'Loaded the demo data set.'
check_login
same_users 'second start'
log "still $USERS_AFTER_SEED user accounts: demo data not loaded twice"

# A crash of everything at once (power cut, OOM killer on the group): nothing shuts down cleanly
# and postmaster.pid stays behind.
stop_app KILL 10

# 3. Recovery from that crash.
start_app after-group-kill
check_login
same_users 'start after kill -9 of the process group'
log "recovered after kill -9 of the process group"

# Only Node dies hard: the embedded postmaster is not tied to it and keeps running, orphaned.
NODE_PID="$(ps -eo pid=,pgid=,comm=,args= | awk -v g="$APP_PGID" '$2 == g && $3 == "node" && /dist\/src\/main\.js/ { print $1; exit }')"
[ -n "$NODE_PID" ] || fail "could not find the Node process of the app in group $APP_PGID"
log "kill -9 of the Node process only (pid $NODE_PID)"
kill -KILL "$NODE_PID"
# npm and its shell exit on their own once Node is gone; the postmaster is left alone.
for _ in $(seq 1 60); do pid_running "$APP_PGID" || break; sleep 0.5; done
pid_running "$APP_PGID" && fail "npm did not exit within 30s after its Node process was killed"
ORPHANS="$(leftover_postgres)"
log "embedded PostgreSQL processes left running by the crash: ${ORPHANS:-none}"
APP_PGID=''

# 4. Recovery from a server left running by the previous run.
start_app after-node-kill
check_login
same_users 'start after kill -9 of the Node process'
log "recovered after kill -9 of the Node process"
stop_app TERM "$STOP_TIMEOUT"
assert_no_leftover_postgres 'the final SIGTERM'

log "PASSED in $((SECONDS - SMOKE_STARTED))s"
