#!/usr/bin/env bash
# SCIM at scale: 100,000 users in one organization (inserted with SQL), then over HTTP
#   - `userName eq "..."`            (an exact lookup, as Okta/Azure do before every create)
#   - `emails.value co "..."`        (a substring over the multi-valued emails)
#   - `userName co "..."`            (a substring on the login email)
#   - page-through of every user     (startIndex/count=200, as an IdP import does: a keyset seek a page)
#   - deep pages asked for directly  (startIndex near the end with no page before: the OFFSET fallback)
# printing p50/p99 latency and rows/s. Nothing here passes or fails: it prints.
#
#   tests/bench/scim.sh                       builds januad (Release) in build-bench and runs
#   SCIM_BENCH_USERS=20000 tests/bench/scim.sh
#   SCIM_BENCH_REQUESTS=100 tests/bench/scim.sh   requests per lookup kind (default 200)
#   JANUA_BENCH_BUILD_DIR=build JANUA_BENCH_SKIP_BUILD=1 tests/bench/scim.sh   reuse a build
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/pg-lib.sh

users=${SCIM_BENCH_USERS:-100000}
requests=${SCIM_BENCH_REQUESTS:-200}
build_dir=${JANUA_BENCH_BUILD_DIR:-build-bench}
say() { printf 'scim-bench: %s\n' "$*" >&2; }

if [ "${JANUA_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "building januad (Release) in $build_dir"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DJANUA_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build_dir" -j "$(nproc)" --target januad janua >/dev/null
fi
januad=$root/$build_dir/januad
janua=$root/$build_dir/janua

base=$(mktemp -d /dev/shm/janua-scim-bench.XXXXXX)
chmod 755 "$base"
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  pg_stop "$base/pg" immediate
  rm -rf "$base"
}
trap cleanup EXIT INT TERM

pg_port=$(pg_free_port)
pg_init "$base/pg"
pg_start "$base/pg" "$pg_port"
"$PGBIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres janua </dev/null
psql_q() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d janua "$@" </dev/null; }

port=$(pg_free_port)
export DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/janua"
export JANUA_LISTEN="127.0.0.1:$port" BASE_URL="http://127.0.0.1:$port"
export FIELD_ENCRYPTION_KEY SECRET_KEY
FIELD_ENCRYPTION_KEY=$("$janua" keys generate-field-key)
SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
export RATE_LIMIT_PER_MINUTE=0 RATE_LIMIT_PER_HOUR=0 LOG_LEVEL=warn EMAIL_PROVIDER=log
"$janua" db migrate --quiet >/dev/null

say "seeding $users users into one organization"
printf '%s' 'Bench-Passw0rd-long' | BCRYPT_ROUNDS=4 "$janua" user create --email owner@bench.example --password-stdin --quiet >/dev/null
"$janua" org create --slug bench --name Bench --owner owner@bench.example --quiet >/dev/null
token=$("$janua" scim token create --org bench --name bench --output json | python3 -c "import json, sys; print(json.load(sys.stdin)[\"token\"])")
seed_start=$(date +%s.%N)
psql_q -c "
  INSERT INTO users (email, first_name, last_name, password_algorithm, status, created_at)
  SELECT 'user' || g || '@team' || (g % 50) || '.example', 'First' || g, 'Last' || g, 'none', 'ACTIVE',
         now() - make_interval(secs => $users - g)
  FROM generate_series(1, $users) g;
  INSERT INTO memberships (organization_id, user_id, role_id, created_at)
  SELECT o.id, u.id, r.id, u.created_at FROM users u, organizations o, roles r
  WHERE o.slug = 'bench' AND r.name = 'member' AND r.organization_id IS NULL AND u.email LIKE 'user%';
  INSERT INTO scim_users (organization_id, user_id, external_id, attributes, created_user, created_at)
  SELECT o.id, u.id, 'ext-' || u.id, jsonb_build_object('emails', jsonb_build_array(
           jsonb_build_object('value', replace(u.email, '@', '.work@'), 'type', 'work', 'primary', true))),
         true, u.created_at
  FROM users u, organizations o WHERE o.slug = 'bench' AND u.email LIKE 'user%';
  ANALYZE;"
say "seeded in $(echo "$(date +%s.%N) - $seed_start" | bc) s"

"$januad" >"$base/januad.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.05; done
url="http://127.0.0.1:$port/scim/v2"

# time_ms FILTER: one GET /Users with the filter; prints "milliseconds totalResults".
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
get_ms() {  # path -> "ms http_code"
  curl -s -o "$base/body" -w '%{time_total} %{http_code}\n' -H "Authorization: Bearer $token" "$url$1" |
    awk '{ printf "%.3f %s\n", $1 * 1000, $2 }'
}
# stats FILE -> "p50 p99" of the first column
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.2f %.2f\n", v[i50], v[i99] }'; }

printf '%-28s %10s %10s %10s %12s\n' "query" "requests" "p50 ms" "p99 ms" "rows/s"
lookup() {  # name, then a function that prints one filter per call
  local name=$1 make=$2 rows=0 total_ms=0
  : >"$base/times"
  for i in $(seq "$requests"); do
    local n=$(( (i * 7919) % users + 1 ))
    local f; f=$($make "$n")
    read -r ms code < <(get_ms "/Users?count=200&filter=$(enc "$f")")
    [ "$code" = 200 ] || { say "$name: HTTP $code for $f: $(cat "$base/body")"; exit 1; }
    local got; got=$(grep -o '"totalResults":[0-9]*' "$base/body" | cut -d: -f2)
    [ "$got" -ge 1 ] || { say "$name: no match for $f"; exit 1; }
    rows=$((rows + got)); echo "$ms" >>"$base/times"
    total_ms=$(echo "$total_ms + $ms" | bc)
  done
  read -r p50 p99 < <(stats "$base/times")
  printf '%-28s %10d %10s %10s %12.0f\n' "$name" "$requests" "$p50" "$p99" "$(echo "$rows * 1000 / $total_ms" | bc -l)"
}
f_eq() { echo "userName eq \"user$1@team$(( $1 % 50 )).example\""; }
f_emails_co() { echo "emails.value co \"er$1.work@\""; }
f_username_co() { echo "userName co \"er$1@team\""; }
lookup 'userName eq' f_eq
lookup 'emails.value co' f_emails_co
lookup 'userName co' f_username_co

# Page-through: every user, 200 a page, in the default order.
: >"$base/times"
start=1; rows=0; t0=$(date +%s.%N)
while :; do
  read -r ms code < <(get_ms "/Users?startIndex=$start&count=200&attributes=userName")
  [ "$code" = 200 ] || { say "page at $start: HTTP $code"; exit 1; }
  got=$(grep -o '"itemsPerPage":[0-9]*' "$base/body" | cut -d: -f2)
  echo "$ms" >>"$base/times"
  rows=$((rows + got)); start=$((start + 200))
  [ "$got" -lt 200 ] && break
done
elapsed=$(echo "$(date +%s.%N) - $t0" | bc)
read -r p50 p99 < <(stats "$base/times")
pages=$(grep -c . "$base/times")
printf '%-28s %10d %10s %10s %12.0f\n' "page-through (count=200)" "$pages" "$p50" "$p99" "$(echo "$rows / $elapsed" | bc -l)"
[ "$rows" -eq $((users + 1)) ] || say "page-through saw $rows users, expected $((users + 1))"

# Deep pages asked for directly (no page led there, so no keyset cursor: the OFFSET fallback,
# what every page cost before the seek), against the last pages of the walk above (a seek).
: >"$base/times"
for i in $(seq 20); do
  read -r ms code < <(get_ms "/Users?startIndex=$(( users - 400 - i ))&count=200&attributes=userName")
  [ "$code" = 200 ] || { say "deep page: HTTP $code"; exit 1; }
  echo "$ms" >>"$base/times"
done
read -r p50 p99 < <(stats "$base/times")
printf '%-28s %10d %10s %10s %12.0f\n' "deep page, no cursor" 20 "$p50" "$p99" "$(echo "200 * 1000 / $p50" | bc -l)"
say "januad log: $(grep -c . "$base/januad.log") lines"
