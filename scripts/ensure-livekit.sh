#!/usr/bin/env bash
# Prints the path of a livekit-server binary: $LIVEKIT_BIN, else `livekit-server` on PATH, else the pinned
# version built once with the machine's Go into .cache/ (git-ignored), which `make dev` and the tests reuse.
# v1.13.5 is pinned because newer v1.13.x tags carry `replace` directives in go.mod, which `go install` refuses.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(cat "$root/scripts/livekit-version")"
if [[ -n "${LIVEKIT_BIN:-}" ]]; then echo "$LIVEKIT_BIN"; exit 0; fi
if command -v livekit-server >/dev/null 2>&1; then command -v livekit-server; exit 0; fi
dir="$root/.cache/livekit/$version"
bin="$dir/livekit-server"
if [[ ! -x "$bin" ]]; then
  export PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null || { echo "ensure-livekit: Go not found (need /usr/local/go/bin/go) to build livekit-server $version" >&2; exit 1; }
  echo "ensure-livekit: building livekit-server $version with $(go version | cut -d' ' -f3) (once; about 2 minutes)" >&2
  mkdir -p "$dir"
  (cd "$dir" && GOBIN="$dir" GOFLAGS=-buildvcs=false go install "github.com/livekit/livekit-server/cmd/server@$version" >&2)
  mv "$dir/server" "$bin"
fi
echo "$bin"
