# 开心数字人 — operator and developer commands (contract section 1).
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: dev test build lint format bench livekit screenshots status secret backup restore up down logs check-config

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

## make bench: text turn overhead (stages) and RSS per service at 1 guest and at 10 guests, on the real stack;
## voice input at 10 guests (media CPU and RSS, VAD share, speech end -> transcript -> answer).
## The full table with the LiveKit Agents peer is issue #7.
bench: node_modules build
	@NODE_ENV=production GUESTS=1 TURNS=20 node bench/dist/src/text-turns.js
	@NODE_ENV=production GUESTS=10 TURNS=10 THINK_MS=3000 node bench/dist/src/text-turns.js
	@NODE_ENV=production GUESTS=10 ROUNDS=3 node bench/dist/src/voice-guests.js

## make screenshots: the guest page at 390×844 and 1280×800 into docs/screenshots/ (real stack, Chromium).
screenshots: node_modules build
	@node scripts/screenshots.mjs

## make status: health, guests, egress against the cap, the month's traffic and spend, RSS per service (make dev;
## elsewhere STATUS_GATEWAY_URL / STATUS_METRICS_URLS say where the services are).
status:
	@node scripts/status.mjs

## make secret: stores the DeepSeek API key as a Docker secret file (secrets/deepseek_api_key, 0600), not echoed.
secret:
	@scripts/secret.sh

## make backup: archives .env, secrets, config, certificates and the Redis and Grafana data into backups/
## (KEEP=7 newest kept); make restore FILE=backups/….tar.gz puts one back (FORCE=1 over existing files).
backup:
	@scripts/backup.sh

restore:
	@FILE="$(FILE)" scripts/restore.sh

up down logs check-config:
	@echo "make $@: not built yet (see the open issue: operations #6)" >&2; exit 2
