#!/usr/bin/env bash
# Makes a Docker engine in swarm mode, the local base image `bricks/node:20` and a PostgreSQL
# image `bricks/postgres:<major>` available on this machine, for the Swarm target and its
# end-to-end tests. Idempotent: every step is skipped when its result is already there. Nothing
# can be pulled here, so the base image is made from this machine's own node binary and the
# shared libraries it links, and the PostgreSQL one from Debian's postgresql packages.
set -euo pipefail

BASE_IMAGE="${BRICKS_BASE_IMAGE:-bricks/node:20}"
DOCKERD_LOG="${BRICKS_DOCKERD_LOG:-/tmp/bricks-dockerd.log}"
# dockerd usually answers within 2-3 s here; 60 s leaves room for a loaded 2-core machine.
WAIT_SECONDS=60

log() { echo "docker-setup: $*" >&2; }

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io from Debian"
  flock /tmp/bricks-apt.lock sh -c 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null'
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: $DOCKERD_LOG)"
  nohup dockerd >"$DOCKERD_LOG" 2>&1 &
  for _ in $(seq 1 "$WAIT_SECONDS"); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not answer within ${WAIT_SECONDS}s; last lines of its log:"
    tail -n 20 "$DOCKERD_LOG" >&2 || true
    exit 1
  fi
fi

if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
  log "initialising a single-node swarm"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "building $BASE_IMAGE from $(command -v node) ($(node --version))"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  node_bin="$(readlink -f "$(command -v node)")"
  mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/app" "$root/run/secrets"
  chmod 1777 "$root/tmp"
  cp "$node_bin" "$root/usr/local/bin/node"
  # Every shared library node links, at the same path, plus the dynamic loader.
  for lib in $(ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  # A shell for `sh -c` commands and exec probes, when the machine has a static-enough one.
  if [ -x /bin/dash ]; then
    mkdir -p "$root/bin"
    cp /bin/dash "$root/bin/sh"
    for lib in $(ldd /bin/dash | grep -oE '/[^ ]+' | sort -u); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  if [ -d /etc/ssl/certs ]; then
    mkdir -p "$root/etc/ssl"
    cp -rL /etc/ssl/certs "$root/etc/ssl/certs" 2>/dev/null || true
  fi
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV NODE_ENV=production' \
    --change 'WORKDIR /app' \
    --change 'CMD ["node"]' \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# Copies each file (and the shared libraries it links) to the same path below $1.
copy_with_libs() {
  local root="$1"
  shift
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
    for lib in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
}

# PostgreSQL for a stack's backing service (`image: postgres`), from Debian's server packages:
# the official image's contract (POSTGRES_USER, POSTGRES_DB, POSTGRES_PASSWORD_FILE, data in
# /var/lib/postgresql/data, initialised on first start, port 5432, pg_isready on the PATH), as
# user postgres (uid 999, as there), since the server refuses to run as root.
pg_major="$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)"
if [ -z "$pg_major" ]; then
  log "installing postgresql from Debian"
  flock /tmp/bricks-apt.lock sh -c 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >/dev/null'
  pg_major="$(ls /usr/lib/postgresql | sort -n | tail -1)"
fi
POSTGRES_IMAGE="${BRICKS_POSTGRES_IMAGE:-bricks/postgres:$pg_major}"
if ! docker image inspect "$POSTGRES_IMAGE" >/dev/null 2>&1; then
  log "building $POSTGRES_IMAGE from /usr/lib/postgresql/$pg_major"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  bin="/usr/lib/postgresql/$pg_major/bin"
  copy_with_libs "$root" "$bin/postgres" "$bin/initdb" "$bin/pg_isready" "$bin/pg_ctl" /bin/dash
  # The server loads its own modules (plpgsql, encodings) and data (catalog, time zones).
  cp -rL "/usr/lib/postgresql/$pg_major/lib" "$root/usr/lib/postgresql/$pg_major/"
  for lib in $(find "/usr/lib/postgresql/$pg_major/lib" -name '*.so' -exec ldd {} \; 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
    mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
  done
  mkdir -p "$root/usr/share/postgresql"
  cp -rL "/usr/share/postgresql/$pg_major" "$root/usr/share/postgresql/"
  [ -d /usr/share/zoneinfo ] && cp -rL /usr/share/zoneinfo "$root/usr/share/zoneinfo"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/var/run/postgresql" "$root/var/lib/postgresql/data" "$root/run/secrets"
  ln -sf /bin/dash "$root/bin/sh"
  chmod 1777 "$root/tmp"
  chown -R 999:999 "$root/var/run/postgresql" "$root/var/lib/postgresql"
  chmod 700 "$root/var/lib/postgresql/data"
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:postgres:/var/lib/postgresql:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\n' >"$root/etc/group"
  # dash's builtins only: the image has no coreutils.
  mkdir -p "$root/usr/local/bin"
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<ENTRY
#!/bin/sh
set -e
PGDATA="\${PGDATA:-/var/lib/postgresql/data}"
user="\${POSTGRES_USER:-postgres}"
db="\${POSTGRES_DB:-\$user}"
if [ ! -s "\$PGDATA/PG_VERSION" ]; then
  [ -n "\${POSTGRES_PASSWORD_FILE:-}" ] || { echo "postgres: set POSTGRES_PASSWORD_FILE to a secret's file" >&2; exit 1; }
  initdb -D "\$PGDATA" -U "\$user" --pwfile="\$POSTGRES_PASSWORD_FILE" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale
  echo "host all all all scram-sha-256" >>"\$PGDATA/pg_hba.conf"
  if [ "\$db" != postgres ]; then echo "CREATE DATABASE \"\$db\";" | postgres --single -D "\$PGDATA" postgres >/dev/null; fi
  # The official image's init folder, its .sql files (bricks mounts its further databases' there):
  # single-user mode, one statement a line, before the server runs.
  for f in /docker-entrypoint-initdb.d/*.sql; do
    if [ -e "\$f" ]; then postgres --single -D "\$PGDATA" postgres <"\$f" >/dev/null; fi
  done
fi
exec postgres -D "\$PGDATA" -c listen_addresses='*' "\$@"
ENTRY
  chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
  tar -C "$root" -c . | docker import \
    --change "ENV PATH=/usr/lib/postgresql/$pg_major/bin:/usr/local/bin:/bin" \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'USER postgres' \
    --change 'EXPOSE 5432' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    - "$POSTGRES_IMAGE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

log "ready: $(docker version --format '{{.Server.Version}}'), swarm active, $BASE_IMAGE and $POSTGRES_IMAGE present"
