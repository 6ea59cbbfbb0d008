# 开心数字人 — operator and developer commands (contract section 1).
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: dev test build lint format bench bench-peer livekit screenshots status secret backup restore up down logs check-config cert firewall doctor

## make dev: the whole stack natively (Redis, LiveKit, four services); Ctrl-C stops everything.
dev: node_modules build
	@node scripts/dev.mjs

## make test: type-check, lint, format check and every test; last line `N passed, N failed`.
test: node_modules
	@node tools/run-tests.mjs

## make build: compiles every package and bundles the guest page into web/dist.
build: node_modules
	@node_modules/.bin/tsc -b
	@node web/build.mjs >/dev/null

lint: node_modules
	@node_modules/.bin/eslint --max-warnings 0 .

format: node_modules
	@node_modules/.bin/prettier --write --log-level warn .

## Builds (once) or finds the pinned livekit-server and prints its path.
livekit:
	@scripts/ensure-livekit.sh

node_modules: package-lock.json
	@npm ci --no-audit --no-fund
	@touch node_modules

## make bench: one table (contract section 7, issue #7): text and voice turn overhead, barge-in, RSS per service, LiveKit
## and Redis at 0 and 10 guests, CPU, avatar egress, the most guests served; each beside the LiveKit Agents peer
## (bench/peer, its own npm project, installed here only). Also written to BENCHMARKS.md. Under 10 minutes;
## QUICK=1 (fewer turns, no ramp, peer at 1 conversation) under 2.
bench: node_modules build
	@$(MAKE) --no-print-directory bench/peer/node_modules || echo "make bench: npm ci --prefix bench/peer failed; the peer columns read n/a" >&2
	@QUICK="$(QUICK)" node bench/dist/src/bench.js

## make bench-peer: the same as make bench (the peer is part of its table).
bench-peer: bench

bench/peer/node_modules: bench/peer/package-lock.json
	@npm ci --prefix bench/peer --no-audit --no-fund
	@touch bench/peer/node_modules

## make screenshots: the guest page at 390×844 and 1280×800 into docs/screenshots/ (real stack, Chromium).
screenshots: node_modules build
	@node scripts/screenshots.mjs

## make status: health, guests, egress against the cap, the month's traffic and spend, and memory against the limits.
## Under Compose (any container of the project running) scripts/status-compose.sh: a one-off container with its own
## memory limit reads the services, docker stats gives every container's memory. Otherwise natively (make dev;
## STATUS_GATEWAY_URL / STATUS_METRICS_URLS say where the services are when elsewhere).
status:
	@if command -v docker >/dev/null 2>&1 && docker compose ps --quiet 2>/dev/null | grep -q .; then \
	  scripts/status-compose.sh; \
	else node scripts/status.mjs; fi

## make secret: stores the DeepSeek API key as a Docker secret file (secrets/deepseek_api_key, 0600), not echoed.
secret:
	@scripts/secret.sh

## make backup: archives .env, secrets, config, certificates and the Redis and Grafana data into backups/
## (KEEP=7 newest kept); make restore FILE=backups/….tar.gz puts one back (FORCE=1 over existing files).
backup:
	@scripts/backup.sh

restore:
	@FILE="$(FILE)" scripts/restore.sh

## make up: production on Docker Compose (idempotent): checks .env, makes the folders the containers write with
## their owners, a stand-in certificate if there is none yet (make cert replaces it), then builds and starts.
up:
	@test -f .env || { echo "make up: 先把 .env.example 复制为 .env 并填写 / copy .env.example to .env and fill it in first" >&2; exit 2; }
	@install -d -m 700 secrets && { test -f secrets/deepseek_api_key || install -m 600 /dev/null secrets/deepseek_api_key; }
	@chown 1000 secrets/deepseek_api_key 2>/dev/null || true # dialogue runs as uid 1000 (node)
	@install -d data/redis data/grafana certs acme && { chown 472 data/grafana 2>/dev/null || true; } # Grafana's uid
	@scripts/cert.sh --ensure
	@docker compose up -d --build --remove-orphans
	@echo "开心数字人 已启动 / started — make status, make logs"

down:
	@docker compose down

logs:
	@docker compose logs -f --tail=200

## make check-config: what make up would run, validated without a Docker engine (Compose schema, limits,
## healthchecks, pinned images, published ports, LiveKit keys, Dockerfile, nginx -t, promtool, Grafana JSON).
check-config: node_modules
	@node scripts/check-config.mjs

## make cert DOMAIN=example.top EMAIL=me@example.top: a free Let's Encrypt certificate by webroot, renewed daily by
## scripts/cert.sh --renew from /etc/cron.d/dh-cert-renew (installed when run as root; otherwise the line to add is
## printed); SELF_SIGNED=1 for an IP-only test; see nginx/README.md.
cert:
	@DOMAIN="$(DOMAIN)" EMAIL="$(EMAIL)" SELF_SIGNED="$(SELF_SIGNED)" scripts/cert.sh

## make firewall: the ufw rules this server needs (SSH, 80, 443, LiveKit 7881/tcp 7882/udp, node_exporter from
## Docker's networks only); prints them, APPLY=1 (as root) applies them. The cloud security group needs the same.
firewall:
	@APPLY="$(APPLY)" SSH_PORT="$(SSH_PORT)" scripts/firewall.sh

## make doctor: is this server ready for make up? Docker, .env, ports, DNS, certificate, memory, disk, clock, key.
doctor:
	@scripts/doctor.sh
