#!/usr/bin/env bash
# make secret: stores the DeepSeek API key as a Docker secret file (secrets/deepseek_api_key, mode 0600) for
# Compose to mount at /run/secrets/deepseek_api_key. The key is read without echo (or from DEEPSEEK_API_KEY for
# scripts) and never printed, never put in .env, never baked into an image.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${SECRETS_DIR:-$root/secrets}"
file="$dir/deepseek_api_key"

key="${DEEPSEEK_API_KEY:-}"
if [[ -z "$key" ]]; then
  if [[ ! -t 0 ]]; then
    echo "make secret: 没有输入密钥 / no key given (type it at the prompt, or set DEEPSEEK_API_KEY)" >&2
    exit 2
  fi
  read -r -s -p "DeepSeek API key（输入时不显示 / not echoed）: " key
  echo >&2
fi
key="$(printf '%s' "$key" | tr -d '[:space:]')"
if [[ ! "$key" =~ ^[A-Za-z0-9._-]{8,200}$ ]]; then
  echo "make secret: 这不像一个 API 密钥 / that does not look like an API key (letters, digits, . _ -)" >&2
  exit 2
fi

umask 077
mkdir -p "$dir"
chmod 700 "$dir"
tmp="$(mktemp "$dir/.deepseek_api_key.XXXXXX")"
printf '%s' "$key" >"$tmp"
chmod 600 "$tmp"
mv "$tmp" "$file"
# Compose mounts the file as it is (owner and mode included) and dialogue runs as uid 1000 (`node`) in its image.
if [[ "$(id -u)" == 0 ]]; then chown "${SECRET_UID:-1000}" "$file"; fi
echo "已保存 / saved: $file (0600). 重启对话服务生效 / takes effect when dialogue restarts: make up"
