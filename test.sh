#!/usr/bin/env bash
# Runs every test, after making sure that what the tests talk to is there:
#   - the Debian packages the tests drive: prometheus (promtool and a server), chromium and
#     chromium-driver, iproute2 (installed with apt-get when missing; that needs root)
#   - root, for PartitionIT's network namespaces (it says so when it is not)
#   - PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) with a database named test, and
#     Redis on 127.0.0.1:6379 (started when down, the database created when missing)
# then runs mvn -B -ntp verify. A server elsewhere: set FUSEBOX_TEST_PG_HOST/PORT/USER/PASSWORD/DATABASE
# and FUSEBOX_TEST_REDIS_HOST/PORT, and this script leaves the local ones alone.
set -euo pipefail
cd "$(dirname "$0")"

log() { echo "[test] $*"; }
fail() { echo "[test] $*" >&2; exit 1; }

ensure_packages() {
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  if [ ${#missing[@]} -eq 0 ]; then
    log "prometheus, chromium and iproute2 are installed"
  elif [ "$(id -u)" -eq 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    fail "missing ${missing[*]}: run this script as root once, or: sudo apt-get install ${missing[*]}"
  fi
}

ensure_postgres() {
  local host="${FUSEBOX_TEST_PG_HOST:-127.0.0.1}" port="${FUSEBOX_TEST_PG_PORT:-5432}"
  local user="${FUSEBOX_TEST_PG_USER:-postgres}" db="${FUSEBOX_TEST_PG_DATABASE:-test}"
  if pg_isready -h "$host" -p "$port" -q 2>/dev/null; then
    log "PostgreSQL is up on $host:$port"
  elif [ "$host" = 127.0.0.1 ] && [ "$(id -u)" -eq 0 ]; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 30); do pg_isready -h "$host" -p "$port" -q && break; sleep 1; done
  else
    fail "PostgreSQL is not answering on $host:$port: start it (as root: pg_ctlcluster <version> main start)"
  fi
  if ! PGPASSWORD="${FUSEBOX_TEST_PG_PASSWORD:-}" psql -h "$host" -p "$port" -U "$user" -tAc \
      "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    log "creating database $db"
    PGPASSWORD="${FUSEBOX_TEST_PG_PASSWORD:-}" psql -h "$host" -p "$port" -U "$user" -c "CREATE DATABASE $db"
  fi
}

ensure_redis() {
  local host="${FUSEBOX_TEST_REDIS_HOST:-127.0.0.1}" port="${FUSEBOX_TEST_REDIS_PORT:-6379}"
  if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
    log "Redis is up on $host:$port"
  elif [ "$host" = 127.0.0.1 ]; then
    log "starting Redis"
    mkdir -p "${TMPDIR:-/tmp}/fusebox-redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "${TMPDIR:-/tmp}/fusebox-redis" --logfile "${TMPDIR:-/tmp}/fusebox-redis/redis.log"
    for _ in $(seq 1 30); do redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && break; sleep 1; done
  else
    fail "Redis is not answering on $host:$port"
  fi
}

ensure_packages
ensure_postgres
ensure_redis
exec mvn -B -ntp verify "$@"
