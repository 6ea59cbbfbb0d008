# 开心数字人 — operator and developer commands (contract section 1).
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: dev test build lint format bench livekit up down logs status check-config backup restore

## make dev: the whole stack natively (Redis, LiveKit, four services); Ctrl-C stops everything.
dev: node_modules build
	@node scripts/dev.mjs

## make test: type-check, lint, format check and every test; last line `N passed, N failed`.
test: node_modules
	@node tools/run-tests.mjs

build: node_modules
	@node_modules/.bin/tsc -b

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

bench up down logs status check-config backup restore:
	@echo "make $@: not built yet (see the open issues: bench #7, operations #5 and #6)" >&2; exit 2
