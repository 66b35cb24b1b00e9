#!/usr/bin/env bash
# Makes a Docker engine in swarm mode and the local base image `bricks/node:20` available on
# this machine, for the Swarm target and its end-to-end tests. Idempotent: every step is
# skipped when its result is already there. Nothing can be pulled here, so the base image is
# made from this machine's own node binary and the shared libraries it links.
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

log "ready: $(docker version --format '{{.Server.Version}}'), swarm active, $BASE_IMAGE present"
