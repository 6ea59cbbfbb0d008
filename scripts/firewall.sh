#!/usr/bin/env bash
# make firewall: the host firewall (ufw) this server needs. Prints the rules; APPLY=1 (as root) applies them.
#
#   scripts/firewall.sh                 print the ufw commands and what they do and do not protect
#   sudo APPLY=1 scripts/firewall.sh    run them: SSH first, then the web and LiveKit ports, then enable
#
# Environment: APPLY=1; SSH_PORT (otherwise the port of this SSH session, found under sudo too, then sshd's
# configuration, then 22); UFW (the ufw binary; the tests point it at a fake); SSHD_CONFIG (/etc/ssh/sshd_config);
# DOCKER_NETWORKS (172.16.0.0/12, where Prometheus scrapes node_exporter from).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

die() {
  printf 'make firewall: %s\n' "$*" >&2
  exit 1
}
say() { printf '%s\n' "$*"; }

# ── SSH: the one rule that must never be wrong, or the operator is locked out of their own server ──────────────
# The port this very session came in on is the surest answer (SSH_CONNECTION); failing that, sshd's own reading
# of its configuration (`sshd -T`, root only), then the file itself, then the default. SSH_PORT overrides all.
ssh_port="" ssh_source=""
valid_port() { [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }

sshd_config_ports() {
  # Port may appear several times (sshd listens on each), also in files pulled in by Include (Debian 12 and
  # Ubuntu 22.04+ include sshd_config.d/*.conf). Relative Include paths are relative to /etc/ssh.
  local file="$1" dir line key value pattern included
  [[ -r $file ]] || return 0
  dir="$(dirname "$file")"
  while IFS= read -r line || [[ -n $line ]]; do
    line="${line%%#*}"
    read -r key value _ <<<"$line" || true
    case "${key,,}" in
      port) valid_port "${value:-}" && printf '%s\n' "$value" ;;
      include)
        for pattern in ${line#*[[:space:]]}; do
          [[ $pattern == /* ]] || pattern="$dir/$pattern"
          for included in $pattern; do [[ $included != "$file" ]] && sshd_config_ports "$included"; done
        done
        ;;
    esac
  done <"$file"
}

if [[ -n ${SSH_PORT:-} ]]; then
  valid_port "$SSH_PORT" || die "SSH_PORT=$SSH_PORT 不是端口号 · is not a port number"
  ssh_port="$SSH_PORT" ssh_source="SSH_PORT"
fi
if [[ -z $ssh_port && -n ${SSH_CONNECTION:-} ]]; then
  # "client address, client port, server address, server port"
  read -r _ _ _ connected _ <<<"$SSH_CONNECTION" || true
  if valid_port "${connected:-}"; then ssh_port="$connected" ssh_source="SSH_CONNECTION"; fi
fi
# Under sudo the variable is gone from our environment but still in sudo's own (and the login shell's): as root,
# read it from the nearest ancestor that has it.
if [[ -z $ssh_port && -n ${SUDO_USER:-} ]]; then
  pid="$PPID"
  while [[ -z $ssh_port && $pid =~ ^[0-9]+$ && $pid -gt 1 ]]; do
    connection="$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | sed -n 's/^SSH_CONNECTION=//p' | head -n 1 || true)"
    read -r _ _ _ connected _ <<<"$connection" || true
    if valid_port "${connected:-}"; then ssh_port="$connected" ssh_source="SSH_CONNECTION"; fi
    pid="$(awk '$1 == "PPid:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
  done
fi
if [[ -z $ssh_port ]] && command -v sshd >/dev/null 2>&1; then
  ssh_port="$(sshd -T 2>/dev/null | awk '$1 == "port" { print $2 }' | sort -un | paste -sd' ' || true)"
  [[ -n $ssh_port ]] && ssh_source="sshd -T"
fi
if [[ -z $ssh_port ]]; then
  ssh_port="$(sshd_config_ports "${SSHD_CONFIG:-/etc/ssh/sshd_config}" | sort -un | paste -sd' ' || true)"
  [[ -n $ssh_port ]] && ssh_source="${SSHD_CONFIG:-/etc/ssh/sshd_config}"
fi
if [[ -z $ssh_port ]]; then ssh_port=22 ssh_source="default"; fi

# ── What Docker publishes: read from docker-compose.yml so that the rules follow the file ─────────────────────
# Entries of the form '80:80', '7881:7881/tcp' or '0.0.0.0:443:443' (the host port is the one before the last
# colon). Volumes (./x:/y) and extra_hosts (name:host-gateway) never start with a digit and a colon-separated port.
published="$(
  sed -nE "s/^[[:space:]]*-[[:space:]]*['\"]?([0-9.]+:)?([0-9]+):[0-9]+(\/(tcp|udp))?['\"]?[[:space:]]*$/\2\/\4/p" \
    "$repo/docker-compose.yml" 2>/dev/null | sed 's|/$|/tcp|' | sort -u -t/ -k1,1n -k2,2 | paste -sd' ' || true
)"
# The ports as docker-compose.yml has them today (nginx 80 and 443, LiveKit's TCP 7881 and UDP 7882), should
# the file be unreadable from here.
[[ -n $published ]] || published="80/tcp 443/tcp 7881/tcp 7882/udp"
docker_networks="${DOCKER_NETWORKS:-172.16.0.0/12}"

describe() {
  case "$1" in
    80/tcp) echo "nginx HTTP" ;;
    443/tcp) echo "nginx HTTPS" ;;
    7881/tcp) echo "LiveKit WebRTC TCP" ;;
    7882/udp) echo "LiveKit WebRTC UDP" ;;
    *) echo "docker-compose.yml" ;;
  esac
}

# Each rule is one line of arguments to ufw, an optional comment last (plain words: ufw refuses quotes in one).
# SSH comes first, so that no later step can take effect before the operator's own way in is allowed; the
# defaults and `enable` come last.
rules=()
for port in $ssh_port; do rules+=("allow $port/tcp comment SSH"); done
for entry in $published; do rules+=("allow $entry comment $(describe "$entry")"); done
rules+=("allow from $docker_networks to any port 9100 proto tcp comment node_exporter from Docker networks")
rules+=("default deny incoming" "default allow outgoing" "--force enable")

# Splits a rule into ufw's arguments: its words, then the comment as one argument.
as_args() {
  local rule="$1"
  # shellcheck disable=SC2206 # the rule's words, split on purpose
  args=(${rule%% comment *})
  [[ $rule == *" comment "* ]] && args+=(comment "${rule#* comment }")
  return 0
}
# The command as one would type it.
quoted() {
  local out="ufw" word
  for word in "$@"; do
    if [[ $word == *[[:space:]]* ]]; then out+=" '$word'"; else out+=" $word"; fi
  done
  printf '%s\n' "$out"
}

tcp_ports="" udp_ports=""
for entry in $published; do
  if [[ $entry == */udp ]]; then udp_ports+="${udp_ports:+ }${entry%/*}"; else tcp_ports+="${tcp_ports:+ }${entry%/*}"; fi
done
zh_list() { local list="${1// /、}"; printf '%s' "$list"; }
en_list() { local list="${1// /, }"; printf '%s' "$list"; }
zh_open="TCP $(zh_list "$ssh_port")（SSH）${tcp_ports:+、$(zh_list "$tcp_ports")}${udp_ports:+，UDP $(zh_list "$udp_ports")}"
en_open="TCP $(en_list "$ssh_port") (SSH)${tcp_ports:+, $(en_list "$tcp_ports")}${udp_ports:+ and UDP $(en_list "$udp_ports")}"

notes() {
  say ""
  say "说明："
  say "  • Docker 用它自己的 iptables 规则发布端口，绕过 ufw：已发布的端口（${published}）不管 ufw 怎么设置，"
  say "    外面都能访问；docker-compose.yml 不发布别的端口（Redis、Prometheus、Grafana、各服务的 metrics 只在 Docker 网络里）。"
  say "  • ufw 保护的是本机自己的监听端口：SSH（$(zh_list "$ssh_port")），以及 Docker 网桥上的 node_exporter"
  say "    （9100，只对 Docker 网络 ${docker_networks} 开放，Prometheus 从那里抓取；不要对外开放 9100）。"
  say "  • 云控制台的安全组也必须放行同样的端口，否则访客连不上：${zh_open}。"
  say "    阿里云 ECS / 腾讯云 CVM：实例的「安全组」入方向规则；轻量应用服务器：「防火墙」页。"
  say "Notes:"
  say "  • Docker publishes its ports through its own iptables rules, which bypass ufw: the published ports"
  say "    (${published}) are reachable whatever ufw says, and docker-compose.yml publishes nothing else (Redis,"
  say "    Prometheus, Grafana and the services' metrics stay on Docker's networks)."
  say "  • ufw protects the host's own listeners: SSH ($(en_list "$ssh_port")) and node_exporter on the Docker bridge"
  say "    (9100, open only to Docker's networks ${docker_networks}, where Prometheus scrapes it from; never to the world)."
  say "  • The cloud console's security group must open the same ports, or guests cannot connect: ${en_open}."
  say "    Alibaba Cloud ECS / Tencent Cloud CVM: the instance's security group, inbound rules; their lightweight"
  say "    servers (轻量应用服务器): the \"防火墙\" (firewall) page."
}

case "$ssh_source" in
  SSH_CONNECTION) from="当前的 SSH 连接 · the SSH connection this command runs in" ;;
  SSH_PORT) from="SSH_PORT" ;;
  default) from="没找到 sshd 的配置，用默认值 · sshd's configuration not found, the default" ;;
  *) from="sshd 的配置 · sshd's configuration ($ssh_source)" ;;
esac

say "开心数字人 · 防火墙（ufw）· firewall"
say "SSH 端口 · SSH port: ${ssh_port}（来自 · from ${from}）"
say ""

if [[ ${APPLY:-0} != 1 ]]; then
  say "需要的规则 · the rules this server needs:"
  for rule in "${rules[@]}"; do
    as_args "$rule"
    say "  $(quoted "${args[@]}")"
  done
  notes
  say ""
  say "以上只是打印，没有改动。以 root 应用：sudo make firewall APPLY=1（SSH 端口不同时加 SSH_PORT=端口）"
  say "Nothing was changed. Apply as root: sudo make firewall APPLY=1 (add SSH_PORT=<port> if SSH listens elsewhere)"
  exit 0
fi

# ufw lives in /usr/sbin, which is not on a normal user's PATH on Debian.
ufw="${UFW:-$(PATH="$PATH:/usr/sbin:/sbin" command -v ufw || true)}"
if [[ -z $ufw || ! -x $ufw ]]; then
  die "没有安装 ufw · ufw is not installed: sudo apt-get install ufw"
fi
[[ "$(id -u)" == 0 ]] || die "需要 root 才能改防火墙 · changing the firewall needs root: sudo make firewall APPLY=1"

for rule in "${rules[@]}"; do
  as_args "$rule"
  say "→ $(quoted "${args[@]}")"
  "$ufw" "${args[@]}" || die "失败 · failed: $(quoted "${args[@]}")"
done
"$ufw" status verbose || true
notes
say ""
say "防火墙已启用 · the firewall is on. 别忘了云控制台的安全组 · do not forget the cloud console's security group."
