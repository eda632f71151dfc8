# Shared by scripts/dev and scripts/test: a private PostgreSQL cluster owned by the postgres
# user (initdb refuses root), with its socket and data inside a directory of ours.
# Source this file; it defines functions only.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@" </dev/null; else "$@" </dev/null; fi
}

pg_free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

# pg_init DIR: create the cluster in DIR/data unless it exists.
pg_init() {
  local dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    if ! pg_as_owner test -w "$dir"; then
      echo "the postgres user cannot reach $dir: make its parent directories traversable (chmod o+x)" >&2
      return 1
    fi
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  fi
}

# pg_start DIR PORT [extra server options]
pg_start() {
  local dir=$1 port=$2 extra=${3:-}
  pg_as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $extra" >/dev/null \
    || { tail -20 "$dir/server.log" >&2; return 1; }
}

pg_stop() {
  local dir=$1 mode=${2:-fast}
  pg_as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1 || true
}
