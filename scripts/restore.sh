#!/usr/bin/env bash
# make restore FILE=backups/dh-backup-….tar.gz: puts an archive from make backup back. Into a fresh checkout it
# just unpacks; over a live installation it asks for FORCE=1 (the stack should be stopped: make down).
set -euo pipefail
root="${RESTORE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
file="${FILE:-}"
if [[ -z "$file" || ! -f "$file" ]]; then
  echo "用法 / usage: make restore FILE=backups/dh-backup-YYYYmmdd-HHMMSS-mmm.tar.gz" >&2
  exit 2
fi
if ! tar -tzf "$file" >/dev/null 2>&1; then
  echo "make restore: $file 不是有效的备份 / is not a readable backup archive" >&2
  exit 1
fi
if tar -tzf "$file" | grep -Eq '(^/|(^|/)\.\.(/|$))'; then
  echo "make restore: $file 含有不安全的路径 / holds unsafe paths; refusing" >&2
  exit 1
fi

mkdir -p "$root"
existing=()
for path in $(tar -tzf "$file" | cut -d/ -f1 | sort -u); do
  [[ -e "$root/$path" ]] && existing+=("$path")
done
if ((${#existing[@]})) && [[ "${FORCE:-}" != "1" ]]; then
  echo "make restore: 会覆盖 / would overwrite: ${existing[*]} — 先 make down，再用 FORCE=1 / stop the stack (make down), then add FORCE=1" >&2
  exit 1
fi
# Modes as they were backed up, even without root (tar would otherwise mask them with the umask, and config/ read
# by the containers' uid 1000 would come back 0600), and owners by number (as root): the containers know uids
# (dialogue 1000, Grafana 472), not the names this host happens to give them.
tar --extract --gzip --preserve-permissions --numeric-owner --file "$file" --directory "$root"
# The key stays private whatever the archive says: 0600 in a 0700 folder, as `make secret` leaves it.
if [[ -d "$root/secrets" ]]; then
  chmod 700 "$root/secrets"
  find "$root/secrets" -type f -exec chmod 600 {} +
fi
echo "已恢复 / restored into $root: $(tar -tzf "$file" | cut -d/ -f1 | sort -u | tr '\n' ' ')"
echo "下一步 / next: make up"
