#!/usr/bin/env bash
# make doctor: is this server ready for `make up`, and is what runs healthy? One line per check:
#   ✔ fine   ! a warning (or something that could not be checked here)   ✖ must be fixed; exit code 1
# Each ✖ and ! is followed by how to fix it. Nothing is changed. Runs as any user; as root it sees more (which
# program holds a port, the private key). Needs only bash and coreutils: every other command it uses (docker,
# ss, getent, ip, openssl, timedatectl, chronyc, ntpq, curl) is optional, and a missing one gives a ! line.
#
# Environment (for tests, or a checkout elsewhere): DOCTOR_ROOT (the folder with .env, certs/ and secrets/;
# default: this repository), DOCTOR_MEMINFO (/proc/meminfo), DOCTOR_METADATA_URLS (cloud metadata URLs that
# answer this server's public IPv4, space-separated; empty: not asked), NO_COLOR.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
root="${DOCTOR_ROOT:-$repo}"
meminfo="${DOCTOR_MEMINFO:-/proc/meminfo}"
# Alibaba Cloud (the elastic IP) and Tencent Cloud: cloud servers usually have only a private address on eth0,
# and the public one is NAT'd to it; the metadata service is the only thing on the machine that knows it.
metadata_urls="${DOCTOR_METADATA_URLS-http://100.100.100.200/latest/meta-data/eipv4 http://metadata.tencentyun.com/latest/meta-data/public-ipv4}"

# ── Output ────────────────────────────────────────────────────────────────────────────────────────────────────
green="" red="" yellow="" plain=""
if [[ -t 1 && -z ${NO_COLOR:-} ]]; then green=$'\e[32m' red=$'\e[31m' yellow=$'\e[33m' plain=$'\e[0m'; fi
passed=0 warned=0 failed=0
hint() { [[ -z ${1:-} ]] || printf '    → %s\n' "$1"; }
ok() {
  printf '%s✔%s %s\n' "$green" "$plain" "$1"
  passed=$((passed + 1))
}
warn() {
  printf '%s!%s %s\n' "$yellow" "$plain" "$1"
  hint "${2:-}"
  warned=$((warned + 1))
}
fail() {
  printf '%s✖%s %s\n' "$red" "$plain" "$1"
  hint "${2:-}"
  failed=$((failed + 1))
}
have() { command -v "$1" >/dev/null 2>&1; }
# A wedged Docker daemon makes the CLI wait forever: give up after a while where coreutils' timeout exists.
limited() { if have timeout; then timeout 20 "$@"; else "$@"; fi; }
missing() { warn "无法检查$1：没有 $2 命令 · cannot check $3: $2 is not installed" "${4:-}"; }
is_ipv4() {
  [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  local part
  for part in "${BASH_REMATCH[@]:1}"; do ((10#$part <= 255)) || return 1; done
}
is_ip() { is_ipv4 "$1" || [[ $1 == *:* ]]; }
gib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1048576 }'; }

# ── .env as Compose reads it (same rules as tools/check-config/interpolate.mjs parseDotEnv) ──────────────────
declare -A env=() example=()
load_env() {
  local -n into="$2"
  local line name value
  [[ -r $1 ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [[ -z $line || $line == \#* ]] && continue
    [[ $line =~ ^(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_.-]*)[[:space:]]*=[[:space:]]*(.*)$ ]] || continue
    name="${BASH_REMATCH[2]}" value="${BASH_REMATCH[3]}"
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    elif [[ $value =~ ^(.*[^[:space:]])?[[:space:]]+#.*$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    into[$name]="$value"
  done <"$1"
}
compose="$repo/docker-compose.yml"
compose_text="$(cat "$compose" 2>/dev/null || true)"
project="$(sed -n 's/^name:[[:space:]]*//p' <<<"$compose_text" | head -n 1)"
project="${project:-happy-digital-human}"

printf '开心数字人 · 服务器检查 · server check (%s)\n\n' "$root"

# ── Docker ───────────────────────────────────────────────────────────────────────────────────────────────────
docker_ok=0
install_docker="安装 Docker Engine（Docker 官方源；国内可用 curl -fsSL https://get.docker.com | sudo sh -s -- --mirror Aliyun）· install Docker Engine from Docker's own repository: https://docs.docker.com/engine/install/"
if ! have docker; then
  fail "没有安装 Docker · Docker is not installed" "$install_docker"
  fail "没有 docker compose 插件 · the docker compose plugin is missing (no docker)" "$install_docker"
else
  if info_error="$(limited docker info 2>&1 >/dev/null)"; then
    docker_ok=1
    version="$(limited docker version --format '{{.Server.Version}}' 2>/dev/null || true)"
    major="${version%%.*}"
    # docker-compose.yml's healthchecks use start_interval: Compose refuses it below Engine 25 (API 1.44).
    if [[ $major =~ ^[0-9]+$ ]] && ((major < 25)); then
      fail "Docker Engine $version 太旧，需要 25 或更新 · Docker Engine $version is too old: 25 or later is needed (healthcheck start_interval)" \
        "Debian 自带的 docker.io 太旧，请改用 Docker 官方源 · Debian's docker.io is too old: $install_docker"
    else
      ok "Docker 引擎在运行 · the Docker engine is running${version:+ ($version)}"
    fi
  elif grep -qi 'permission denied' <<<"$info_error"; then
    fail "没有权限使用 Docker · no permission to use Docker" \
      "sudo usermod -aG docker \$USER，重新登录；或用 sudo make doctor · add yourself to the docker group and log in again, or run it with sudo"
  else
    fail "Docker 引擎没有运行 · the Docker engine is not running" \
      "sudo systemctl enable --now docker；日志 · logs: journalctl -u docker -n 50"
  fi
  if compose_version="$(limited docker compose version --short 2>/dev/null)"; then
    ok "docker compose 插件 · the docker compose plugin${compose_version:+ ($compose_version)}"
  else
    fail "没有 docker compose 插件 · the docker compose plugin is missing" \
      "sudo apt-get install docker-compose-plugin（Docker 官方源；旧的 docker-compose v1 读不懂这个文件 · from Docker's repository; the old docker-compose v1 cannot read this file)"
  fi
fi

# ── .env ─────────────────────────────────────────────────────────────────────────────────────────────────────
load_env "$repo/.env.example" example
domain="" public_ip=""
if [[ ! -f $root/.env ]]; then
  fail ".env 不存在 · there is no .env" \
    "cp .env.example .env，填写 DOMAIN、PUBLIC_IP、GRAFANA_ADMIN_PASSWORD、LIVEKIT_API_SECRET · copy .env.example to .env and fill them in"
else
  load_env "$root/.env" env
  domain="${env[DOMAIN]:-}" public_ip="${env[PUBLIC_IP]:-}"
  # What Compose refuses to start without: every ${NAME:?…} in docker-compose.yml.
  required="$(grep -oE '\$\{[A-Za-z_][A-Za-z0-9_]*:\?' <<<"$compose_text" | sed -E 's/^\$\{//; s/:\?$//' | sort -u || true)"
  [[ -n $required ]] || required="DOMAIN PUBLIC_IP LIVEKIT_API_KEY LIVEKIT_API_SECRET GRAFANA_ADMIN_PASSWORD"
  env_problems=0
  for name in $required; do
    if [[ -z ${env[$name]:-} ]]; then
      case "$name" in
        DOMAIN) how="访客打开的域名 · the name guests open, e.g. DOMAIN=chat.example.com" ;;
        PUBLIC_IP) how="服务器的公网 IPv4（云控制台里看）· the server's public IPv4 address, from the cloud console" ;;
        LIVEKIT_API_SECRET) how="LIVEKIT_API_SECRET=\$(openssl rand -base64 32)" ;;
        LIVEKIT_API_KEY) how="任意名字 · any name, e.g. LIVEKIT_API_KEY=kaixin" ;;
        GRAFANA_ADMIN_PASSWORD) how="至少 12 个字符 · at least 12 characters: GRAFANA_ADMIN_PASSWORD=\$(openssl rand -base64 18)" ;;
        *) how="见 .env.example · see .env.example" ;;
      esac
      fail ".env 缺少 $name · .env does not set $name" "$how"
      env_problems=$((env_problems + 1))
    fi
  done
  if [[ -n $public_ip ]] && ! is_ipv4 "$public_ip"; then
    fail ".env 的 PUBLIC_IP 不是 IPv4 地址 · PUBLIC_IP \"$public_ip\" is not an IPv4 address" \
      "填服务器的公网 IPv4 · the server's public IPv4 address, e.g. PUBLIC_IP=203.0.113.7"
    env_problems=$((env_problems + 1))
  fi
  secret="${env[LIVEKIT_API_SECRET]:-}"
  if [[ -n $secret && $secret == "${example[LIVEKIT_API_SECRET]:-}" ]]; then
    fail "LIVEKIT_API_SECRET 还是开发用的默认值 · LIVEKIT_API_SECRET is the development value from .env.example" \
      "LIVEKIT_API_SECRET=\$(openssl rand -base64 32)"
    env_problems=$((env_problems + 1))
  elif [[ -n $secret && ${#secret} -lt 32 ]]; then
    fail "LIVEKIT_API_SECRET 少于 32 个字符，LiveKit 不接受 · LIVEKIT_API_SECRET is shorter than 32 characters (LiveKit refuses it)" \
      "LIVEKIT_API_SECRET=\$(openssl rand -base64 32)"
    env_problems=$((env_problems + 1))
  fi
  password="${env[GRAFANA_ADMIN_PASSWORD]:-}"
  if [[ -n $password && ${#password} -lt 12 ]]; then
    fail "GRAFANA_ADMIN_PASSWORD 少于 12 个字符 · GRAFANA_ADMIN_PASSWORD is shorter than 12 characters (Grafana is on the internet)" \
      "GRAFANA_ADMIN_PASSWORD=\$(openssl rand -base64 18)"
    env_problems=$((env_problems + 1))
  fi
  ((env_problems > 0)) || ok ".env 齐全 · .env has what make up needs (DOMAIN=$domain, PUBLIC_IP=$public_ip)"
fi

# ── Ports ────────────────────────────────────────────────────────────────────────────────────────────────────
# The host ports docker-compose.yml publishes ('80:80', '7882:7882/udp'); the constants are today's, should the
# file be unreadable.
ports="$(
  sed -nE "s/^[[:space:]]*-[[:space:]]*['\"]?([0-9.]+:)?([0-9]+):[0-9]+(\/(tcp|udp))?['\"]?[[:space:]]*$/\2\/\4/p" \
    <<<"$compose_text" | sed 's|/$|/tcp|' | sort -u -t/ -k1,1n -k2,2 || true
)"
[[ -n $ports ]] || ports=$'80/tcp\n443/tcp\n7881/tcp\n7882/udp'
if ! have ss; then
  missing "端口" ss "the ports ($(paste -sd' ' <<<"$ports"))" "sudo apt-get install iproute2"
else
  sockets="$(ss -ltnup 2>/dev/null || true)"
  for entry in $ports; do
    port="${entry%/*}" proto="${entry#*/}"
    # Our own containers may hold it (docker-proxy, or no listener at all when Docker forwards in the kernel).
    ours="" others=""
    if ((docker_ok)); then
      while IFS=$'\t' read -r owner name; do
        [[ -n $name ]] || continue
        if [[ $owner == "$project" ]]; then ours+="${ours:+, }$name"; else others+="${others:+, }$name"; fi
      done < <(limited docker ps --filter "publish=$port/$proto" --format '{{.Label "com.docker.compose.project"}}{{"\t"}}{{.Names}}' 2>/dev/null || true)
    fi
    if [[ -n $ours ]]; then
      ok "$entry 由本项目的容器使用 · $entry is held by our container ($ours)"
      continue
    fi
    if [[ -n $others ]]; then
      fail "$entry 被别的容器占用 · $entry is held by another container ($others)" \
        "docker stop $others（或改它的端口 · or move it to another port）"
      continue
    fi
    # ss: "tcp LISTEN 0 4096 0.0.0.0:443 0.0.0.0:* users:(("nginx",pid=1,fd=6))"; the last colon leads the port.
    lines="$(awk -v port="$port" -v proto="$proto" '$1 == proto { n = split($5, a, ":"); if (a[n] == port) print }' <<<"$sockets")"
    if [[ -z $lines ]]; then
      ok "$entry 空闲 · $entry is free"
      continue
    fi
    holders="$(grep -oE '\("[^"]+"' <<<"$lines" | tr -d '("' | sort -u | paste -sd, || true)"
    if [[ -n $holders && $holders != docker-proxy ]]; then
      fail "$entry 被 $holders 占用 · $entry is held by $holders" \
        "停掉它 · stop it: sudo systemctl disable --now ${holders%%,*}（或改它的端口 · or move it to another port）"
    elif ((docker_ok)); then
      fail "$entry 被占用，不是本项目的容器 · $entry is in use, not by our containers${holders:+ ($holders)}" \
        "sudo ss -ltnup | grep :$port 看是谁 · to see which program"
    else
      warn "$entry 被占用，看不出是谁 · $entry is in use and it is not clear by what${holders:+ ($holders)}" \
        "sudo ss -ltnup | grep :$port"
    fi
  done
fi

# ── DOMAIN and PUBLIC_IP ─────────────────────────────────────────────────────────────────────────────────────
if [[ -z $domain || -z $public_ip ]]; then
  warn "没有 DOMAIN 或 PUBLIC_IP，跳过域名检查 · no DOMAIN or PUBLIC_IP: the name is not checked"
elif is_ip "$domain"; then
  if [[ $domain == "$public_ip" ]]; then
    ok "DOMAIN 就是 PUBLIC_IP（按 IP 访问）· DOMAIN is PUBLIC_IP (access by address)"
  else
    warn "DOMAIN ($domain) 是一个地址，但不是 PUBLIC_IP ($public_ip) · DOMAIN is an address other than PUBLIC_IP" \
      "通常两者相同 · usually they are the same"
  fi
elif ! have getent; then
  missing "域名解析" getent "where $domain resolves" "sudo apt-get install libc-bin"
else
  resolved="$(getent ahostsv4 "$domain" 2>/dev/null | awk '{ print $1 }' | sort -u | paste -sd' ' || true)"
  a_record="在域名服务商添加 A 记录 · add an A record at your DNS provider: $domain → $public_ip（不要开 CDN 代理；国内服务器的域名需要 ICP 备案 · no CDN proxy; a server in mainland China needs ICP filing for the name）"
  if [[ -z $resolved ]]; then
    fail "$domain 解析不到 IPv4 地址 · $domain does not resolve to an IPv4 address" "$a_record"
  elif [[ " $resolved " != *" $public_ip "* ]]; then
    fail "$domain 解析到 $resolved，不是 PUBLIC_IP $public_ip · $domain resolves to $resolved, not to PUBLIC_IP" \
      "改 A 记录（生效可能要几分钟）或改 .env 的 PUBLIC_IP · fix the A record (it may take minutes to spread) or PUBLIC_IP in .env"
  elif [[ $resolved != "$public_ip" ]]; then
    warn "$domain 解析到 $resolved，除了 PUBLIC_IP 还有别的地址 · $domain also resolves to other addresses" \
      "删掉多余的 A 记录 · remove the other A records"
  else
    ok "$domain 解析到 PUBLIC_IP · $domain resolves to PUBLIC_IP ($public_ip)"
  fi
fi

if [[ -n $public_ip ]] && is_ipv4 "$public_ip"; then
  addresses=""
  if have ip; then
    addresses="$(ip -4 -o addr show 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }' | paste -sd' ' || true)"
  elif have hostname; then
    addresses="$(hostname -I 2>/dev/null || true)"
  fi
  if [[ " $addresses " == *" $public_ip "* ]]; then
    ok "PUBLIC_IP 在本机网卡上 · PUBLIC_IP is on one of this host's interfaces"
  else
    # Not on an interface: ask the cloud's metadata service what the NAT'd public address is.
    nat=""
    for url in $metadata_urls; do
      if have curl; then
        answer="$(curl -fsS --connect-timeout 1 --max-time 2 "$url" 2>/dev/null || true)"
      elif have wget; then
        answer="$(wget -qO- -T 2 -t 1 "$url" 2>/dev/null || true)"
      else
        break
      fi
      answer="$(head -n 1 <<<"$answer" | tr -d '[:space:]')"
      if is_ipv4 "$answer"; then
        nat="$answer"
        break
      fi
    done
    if [[ $nat == "$public_ip" ]]; then
      ok "PUBLIC_IP 是本机的公网地址（云平台 NAT 映射）· PUBLIC_IP is this host's NAT'd public address"
    elif [[ -n $nat ]]; then
      fail "云平台说本机公网地址是 $nat，不是 PUBLIC_IP $public_ip · the cloud says this host's public address is $nat" \
        "PUBLIC_IP=$nat（LiveKit 把它告诉浏览器，错了就没有声音 · LiveKit gives it to browsers: wrong means no audio）"
    elif [[ -z $addresses ]]; then
      warn "无法确认 PUBLIC_IP 是不是本机的 · cannot tell whether PUBLIC_IP belongs to this host (no ip command)" \
        "确认它是云控制台里显示的公网 IP · make sure it is the public IP the cloud console shows"
    else
      warn "本机网卡上没有 PUBLIC_IP（只有 $addresses）；云服务器常见，公网地址由 NAT 映射 · PUBLIC_IP is not on an interface (only $addresses): usual for cloud servers behind NAT" \
        "确认它是云控制台里显示的公网 IP · make sure it is the public IP the cloud console shows"
    fi
  fi
fi

# ── Certificate (where scripts/cert.sh puts it and nginx reads it: certs/fullchain.pem, certs/privkey.pem) ───
cert="$root/certs/fullchain.pem" key="$root/certs/privkey.pem"
get_cert="make cert DOMAIN=${domain:-chat.example.com} EMAIL=you@example.com（Let's Encrypt；按 IP 测试 · a test by IP: make cert SELF_SIGNED=1 DOMAIN=<ip>）"
if [[ ! -s $cert ]]; then
  fail "还没有证书 · there is no certificate (certs/fullchain.pem)" "$get_cert"
elif ! have openssl; then
  missing "证书" openssl "the certificate" "sudo apt-get install openssl"
elif ! openssl x509 -in "$cert" -noout 2>/dev/null; then
  fail "certs/fullchain.pem 不是 PEM 证书 · certs/fullchain.pem is not a PEM certificate" "$get_cert"
else
  x509() { openssl x509 -in "$cert" -noout "$@" 2>/dev/null; }
  subject="$(x509 -subject -nameopt RFC2253 | sed 's/^subject=//' || true)"
  issuer="$(x509 -issuer -nameopt RFC2253 | sed 's/^issuer=//' || true)"

  # Who signed it.
  if [[ $subject == "$issuer" ]]; then
    if [[ -n $domain ]] && ! is_ip "$domain"; then
      warn "证书是自签名的，浏览器会警告 · the certificate is self-signed: browsers warn" "$get_cert"
    else
      ok "自签名证书（按 IP 测试，浏览器会警告一次）· a self-signed certificate (a test by address; browsers warn once)"
    fi
    # docker-compose.yml sends HSTS unless .env sets HSTS= (empty).
    if [[ ${env[HSTS]-unset} != "" ]]; then
      warn "自签名证书配上 HSTS，浏览器可能拒绝访问 · a self-signed certificate with HSTS: browsers may refuse the site" \
        "在 .env 里写 HSTS=（空）· set HSTS= (empty) in .env"
    fi
  elif openssl verify -no_check_time -untrusted "$cert" "$cert" >/dev/null 2>&1; then
    ok "证书由受信任的机构签发 · the certificate is signed by a trusted CA ($issuer)"
  else
    warn "证书链不受信任（少了中间证书？）· the chain is not trusted here (intermediate certificate missing?)" \
      "用完整的证书链：腾讯云的 _bundle.crt、阿里云的 .pem · use the full chain, then scripts/cert.sh --install CERT KEY"
  fi

  # Whether it names DOMAIN.
  if [[ -n $domain ]]; then
    check=(-checkhost "$domain")
    is_ip "$domain" && check=(-checkip "$domain")
    if x509 "${check[@]}" | grep -q 'does match'; then
      ok "证书包含 $domain · the certificate covers $domain"
    else
      fail "证书不包含 $domain · the certificate does not cover $domain" "$get_cert"
    fi
  fi

  # Time left. certbot renews at a third of the lifetime, so a 90-day Let's Encrypt certificate with 14 days left
  # means renewal has failed for two weeks. Let's Encrypt's short-lived certificates (about 6 days, for an IP
  # address) are renewed at 2 days left by the daily cron, so for them only the last day is alarming.
  end="$(x509 -enddate | sed 's/^notAfter=//' || true)"
  start="$(x509 -startdate | sed 's/^notBefore=//' || true)"
  end_s="$(date -d "$end" +%s 2>/dev/null || true)"
  start_s="$(date -d "$start" +%s 2>/dev/null || true)"
  margin=$((14 * 86400))
  if [[ $issuer == *"Let's Encrypt"* && -n $end_s && -n $start_s ]] && ((end_s - start_s < 10 * 86400)); then
    margin=86400
  fi
  left=""
  [[ -z $end_s ]] || left="$(((end_s - $(date +%s) + 43200) / 86400))" # rounded: "3 days" for a 3-day certificate
  renew="Let's Encrypt: scripts/cert.sh --renew（并确认 cron 每天运行 · and check that cron runs it daily）；云控制台证书 · a console certificate: 续期后 · renew it, then scripts/cert.sh --install CERT KEY"
  if ! x509 -checkend 0 >/dev/null; then
    fail "证书已过期（$end）· the certificate has expired ($end)" "$renew"
  elif ! x509 -checkend "$margin" >/dev/null; then
    fail "证书只剩 ${left:-?} 天（$end 到期）· the certificate expires in ${left:-?} days ($end)" "$renew"
  else
    ok "证书还有 ${left:-?} 天 · the certificate has ${left:-?} days left ($end)"
  fi

  # The key nginx pairs with it.
  if [[ ! -e $key ]]; then
    fail "没有私钥 certs/privkey.pem · there is no private key (certs/privkey.pem); nginx will not start" "$get_cert"
  elif [[ ! -r $key ]]; then
    warn "读不到私钥，没检查是否配对 · cannot read certs/privkey.pem: not checked against the certificate" \
      "用 sudo make doctor 检查 · run it with sudo to check"
  elif [[ "$(x509 -pubkey)" == "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]]; then
    ok "私钥与证书配对 · the private key belongs to the certificate"
  else
    fail "私钥与证书不配对，nginx 无法启动 · the private key does not belong to the certificate: nginx will not start" \
      "scripts/cert.sh --install CERT KEY（成对安装 · install them as a pair）"
  fi
fi

# ── Memory ───────────────────────────────────────────────────────────────────────────────────────────────────
# The containers' limits add up to 1.4 GiB (docker-compose.yml): a "2 GB" server shows 1.8–1.9 GiB of MemTotal.
if [[ ! -r $meminfo ]]; then
  warn "无法读取 $meminfo，没检查内存 · cannot read $meminfo: memory not checked"
else
  total="$(awk '$1 == "MemTotal:" { print $2 }' "$meminfo")"
  available="$(awk '$1 == "MemAvailable:" { print $2 }' "$meminfo")"
  if [[ -z $total ]]; then
    warn "$meminfo 里没有 MemTotal · no MemTotal in $meminfo: memory not checked"
  elif ((total < 1887437)); then
    fail "内存只有 $(gib "$total") GiB，至少要 1.8 GiB · only $(gib "$total") GiB of memory: at least 1.8 GiB is needed" \
      "换 2 GB 内存的服务器（容器内存上限合计 1.4 GiB）· use a 2 GB server (the containers' limits add up to 1.4 GiB)"
  else
    ok "内存 $(gib "$total") GiB · $(gib "$total") GiB of memory"
  fi
  if [[ -z $available ]]; then
    warn "$meminfo 里没有 MemAvailable（内核太旧）· no MemAvailable in $meminfo (old kernel): free memory not checked"
  elif ((available < 409600)); then
    fail "可用内存只有 $((available / 1024)) MiB，至少要 400 MiB · only $((available / 1024)) MiB available: at least 400 MiB is needed" \
      "free -m；停掉不需要的程序（如云监控插件）· stop what is not needed (e.g. the cloud's monitoring agents)"
  else
    ok "可用内存 $((available / 1024)) MiB · $((available / 1024)) MiB available"
  fi
fi

# ── Disk: the repository (data/, certs, backups) and Docker's images and volumes ───────────────────────────────
if ! have df; then
  missing "磁盘空间" df "free disk space"
else
  places=("$root")
  if ((docker_ok)); then
    docker_root="$(limited docker info --format '{{.DockerRootDir}}' 2>/dev/null || true)"
    [[ -d $docker_root ]] && places+=("$docker_root")
  fi
  seen=" "
  for place in "${places[@]}"; do
    free="" mount=""
    read -r free mount < <(df -Pk "$place" 2>/dev/null | awk 'NR == 2 { print $4, $6 }') || true
    if [[ -z ${free:-} || ! $free =~ ^[0-9]+$ ]]; then
      warn "无法读取 $place 的磁盘空间 · cannot read the free space of $place"
      continue
    fi
    [[ $seen == *" $mount "* ]] && continue
    seen+="$mount "
    if ((free < 5242880)); then
      fail "磁盘 $mount 只剩 $(gib "$free") GiB，至少要 5 GiB · only $(gib "$free") GiB free on $mount ($place): at least 5 GiB is needed" \
        "docker system prune（删掉不用的镜像 · removes unused images）；或扩容云盘 · or grow the disk"
    else
      ok "磁盘 $mount 还有 $(gib "$free") GiB · $(gib "$free") GiB free on $mount ($place)"
    fi
  done
fi

# ── Clock: TLS, LiveKit's tokens and Let's Encrypt all depend on it ──────────────────────────────────────────
synced="" said="" tried=""
if have timedatectl; then
  tried=timedatectl
  case "$(timedatectl show -p NTPSynchronized --value 2>/dev/null || true)" in
    yes) synced=timedatectl ;;
    no) said=timedatectl ;;
  esac
fi
if [[ -z $synced ]] && have chronyc; then
  tried+="${tried:+, }chronyc"
  if tracking="$(chronyc -n tracking 2>/dev/null)"; then
    if grep -q '^Leap status *: *Normal' <<<"$tracking"; then synced=chronyc; else said+="${said:+, }chronyc"; fi
  fi
fi
if [[ -z $synced ]] && have ntpq; then
  tried+="${tried:+, }ntpq"
  if peers="$(ntpq -pn 2>/dev/null)"; then
    if grep -q '^\*' <<<"$peers"; then synced=ntpq; else said+="${said:+, }ntpq"; fi
  fi
fi
if [[ -n $synced ]]; then
  ok "时钟已同步 · the clock is synchronized ($synced)"
elif [[ -n $said ]]; then
  fail "时钟没有同步 · the clock is not synchronized ($said)" \
    "sudo timedatectl set-ntp true；国内 NTP 服务器 · NTP servers in China: ntp.aliyun.com, ntp.tencent.com"
elif [[ -n $tried ]]; then
  warn "无法确认时钟是否同步（$tried 没有回答）· cannot tell whether the clock is synchronized ($tried did not answer)" \
    "timedatectl status；sudo apt-get install systemd-timesyncd"
else
  warn "无法检查时钟同步：没有 timedatectl、chronyc 或 ntpq · cannot check the clock: none of timedatectl, chronyc, ntpq is installed" \
    "sudo apt-get install systemd-timesyncd"
fi

# ── The DeepSeek key (a Docker secret file) ────────────────────────────────────────────────────────────────────
secret_file="$root/secrets/deepseek_api_key"
if [[ ! -s $secret_file ]]; then
  if [[ -n ${env[DEEPSEEK_API_KEY]:-} ]]; then
    # docker-compose.yml gives dialogue the secret file, which wins over the variable even when empty.
    warn "DeepSeek 密钥写在 .env 里，Compose 下不会用到，由离线人格回答 · the DeepSeek key in .env is not used under Compose: the offline persona will answer" \
      "make secret（存到 secrets/deepseek_api_key），再删掉 .env 里的 DEEPSEEK_API_KEY · then remove it from .env"
  else
    warn "没有 DeepSeek 密钥，由离线人格回答 · no DeepSeek key: the offline persona will answer" \
      "make secret（存到 secrets/deepseek_api_key · stores it in secrets/deepseek_api_key）"
  fi
else
  file_mode="$(stat -c %a "$secret_file" 2>/dev/null || true)"
  if [[ -z $file_mode ]]; then
    warn "无法读取 secrets/deepseek_api_key 的权限 · cannot read the mode of secrets/deepseek_api_key"
  elif [[ $file_mode != 600 ]]; then
    warn "secrets/deepseek_api_key 的权限是 $file_mode，应为 600 · secrets/deepseek_api_key has mode $file_mode, not 600" \
      "chmod 600 secrets/deepseek_api_key"
  else
    ok "DeepSeek 密钥已就位 · the DeepSeek key is in place (secrets/deepseek_api_key, 600)"
  fi
fi

printf '\n%d 项通过，%d 项警告，%d 项失败 · %d passed, %d warnings, %d failed\n' \
  "$passed" "$warned" "$failed" "$passed" "$warned" "$failed"
((failed == 0)) || exit 1
