#!/usr/bin/env bash
# `make status` under Docker Compose. scripts/status.mjs reads the services' /metrics and the gateway's
# /api/health from a one-off container of the gateway's image on the Compose network, with a memory limit of its
# own: never inside a running service, where its ~20-40 MB of heap and buffers (node's binary would be shared)
# would join the gateway's ~80 MB peak in the same 128 MiB and could get the gateway OOM-killed. Memory per
# container against its limit comes from `docker stats` here on the host, handed to it on standard input
# (status-report.mjs parseDockerStats).
#
# Environment: STATUS_MEMORY, the one-off's limit (default 96m).
set -euo pipefail
cd "$(dirname "$0")/.."

# Measured (bench/ops/measure-memory.mjs: node 20, the services' flags, six /metrics pages of a running stack):
# 61-63 MB peak RSS in 7 of 8 runs (82 MB once), of which ~20 MB anonymous and ~42 MB node's own mapped binary;
# without the flags V8's default young generation adds ~20 MB. 96 MiB holds the worst run seen, for the seconds
# the one-off lives, within the ~500 MB the limits leave to the host.
STATUS_MEMORY="${STATUS_MEMORY:-96m}"

die() { printf 'make status: %s\n' "$*" >&2; exit 2; }

gateway="$(docker compose ps --all --quiet gateway | head -n 1)"
[[ -n $gateway ]] || die "没有 gateway 容器，先 make up · no gateway container: run make up first"
# The image the gateway runs (it holds scripts/status.mjs) and the network it is on (the project's default one).
image="$(docker inspect --format '{{.Config.Image}}' "$gateway")"
network="$(docker inspect --format '{{range $name, $_ := .NetworkSettings.Networks}}{{println $name}}{{end}}' "$gateway" |
  head -n 1)"
[[ -n $image && -n $network ]] || die "gateway 容器没有镜像或网络 · cannot find the gateway's image or network"

services="$(docker compose config --services | paste -sd, -)"
mapfile -t running < <(docker compose ps --quiet)
stats=''
# --no-stream: one sample (docker waits for two readings, about two seconds, for the CPU figure).
# A container that stops meanwhile makes docker stats fail: then every container shows as not running.
((${#running[@]} == 0)) || stats="$(docker stats --no-stream --format '{{json .}}' "${running[@]}")" || stats=''

# --init: Ctrl-C reaches node (as PID 1 it would ignore SIGINT); --rm: nothing is left behind.
printf '%s\n' "$stats" |
  docker run --rm --interactive --init --network "$network" \
    --memory "$STATUS_MEMORY" --memory-swap "$STATUS_MEMORY" \
    --cap-drop ALL --security-opt no-new-privileges:true \
    --env NODE_OPTIONS=--max-old-space-size=32 \
    --env STATUS_GATEWAY_URL=http://gateway:8080 \
    --env STATUS_METRICS_URLS=gateway=http://gateway:9461/metrics,dialogue=http://dialogue:9462/metrics,tts=http://tts:9463/metrics,media=http://media:9464/metrics \
    --env STATUS_LIVEKIT_METRICS_URL=http://livekit:6789/metrics \
    --env STATUS_SERVICES="$services" \
    --env STATUS_DOCKER_STATS=- \
    "$image" node --max-semi-space-size=1 --optimize-for-size scripts/status.mjs
