#!/usr/bin/env bash
# make backup: one archive of what cannot be rebuilt — .env, secrets/, config/ (persona, word lists, avatar
# images), certs/, and the Redis and Grafana data — into backups/, keeping the newest $KEEP. Under Compose,
# Redis is asked to write its data to disk first.
set -euo pipefail
root="${BACKUP_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
dest="${BACKUP_DIR:-$root/backups}"
keep="${KEEP:-7}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "make backup: KEEP must be a positive number, got \"$keep\"" >&2; exit 2; }

cd "$root"
if command -v docker >/dev/null 2>&1 && docker compose ps --status running redis 2>/dev/null | grep -q redis; then
  docker compose exec -T redis redis-cli SAVE >/dev/null && echo "Redis 已落盘 / Redis data saved to disk"
fi

paths=()
for path in .env secrets config certs data/redis data/grafana; do
  [[ -e "$path" ]] && paths+=("$path")
done
if ((${#paths[@]} == 0)); then
  echo "make backup: 没有可备份的文件 / nothing to back up in $root" >&2
  exit 1
fi

umask 077 # the archive holds the secrets
mkdir -p "$dest"
archive="$dest/dh-backup-$(date -u +%Y%m%d-%H%M%S-%3N).tar.gz"
tar -czf "$archive" "${paths[@]}"
echo "备份 / backup: $archive ($(du -h "$archive" | cut -f1)) — ${paths[*]}"

mapfile -t old < <(ls -1t "$dest"/dh-backup-*.tar.gz | tail -n +"$((keep + 1))")
if ((${#old[@]})); then
  rm -f "${old[@]}"
  echo "删除旧备份 / removed ${#old[@]} older backup(s), keeping $keep"
fi
