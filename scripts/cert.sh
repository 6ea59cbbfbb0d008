#!/usr/bin/env bash
# TLS certificate for nginx (`make cert`). Whatever its source, it ends up as $CERT_DIR/fullchain.pem and
# $CERT_DIR/privkey.pem, which nginx reads as /etc/nginx/certs/{fullchain,privkey}.pem.
#
#   DOMAIN=chat.example.com EMAIL=me@example.com scripts/cert.sh   Let's Encrypt, HTTP-01 through nginx's webroot
#   scripts/cert.sh --renew                                         renew when due (cron, daily), reload nginx
#   SELF_SIGNED=1 DOMAIN=203.0.113.7 scripts/cert.sh                self-signed, for a test by IP or name
#   DOMAIN=chat.example.com scripts/cert.sh --install CERT KEY      a certificate from a cloud console
#   scripts/cert.sh --ensure                                        a self-signed stand-in if there is none yet
#                                                                   (nginx cannot start without one)
#   scripts/cert.sh --cron                                          the daily renewal entry (as after Let's Encrypt)
# DOMAIN and EMAIL default to their values in .env. Environment: CERT_DIR (certs), ACME_DIR (acme),
# CERTBOT_IMAGE, STAGING=1 (Let's Encrypt's staging CA, for trying things out), CRON_DIR (/etc/cron.d: as root,
# the renewal entry is installed there as dh-cert-renew; otherwise it is printed for the operator to add).
set -euo pipefail
cd "$(dirname "$0")/.."

CERT_DIR="${CERT_DIR:-certs}"
# The same folders docker-compose.yml mounts into nginx (/etc/nginx/certs, /var/www/acme).
ACME_DIR="${ACME_DIR:-acme}"
# Pinned like every image here; certbot ≥ 5.4 can also get IP-address certificates by webroot.
CERTBOT_IMAGE="${CERTBOT_IMAGE:-certbot/certbot:v5.6.0}"
# certbot's name for the certificate: its files are always under letsencrypt/live/dh/, whatever the domain.
LINEAGE=dh
CRON_DIR="${CRON_DIR:-/etc/cron.d}"
# cron skips files in cron.d whose names hold a dot, so the name has none (and a temporary .name is never read).
CRON_FILE=dh-cert-renew

say() { printf '%s\n' "$*"; }
die() { printf 'cert: %s\n' "$*" >&2; exit 1; }

env_file_value() {
  [[ -f .env ]] || return 0
  sed -n "s/^$1=//p" .env | tail -n 1 | sed -e 's/^["'\'']//' -e 's/["'\'']$//'
}
DOMAIN="${DOMAIN:-$(env_file_value DOMAIN)}"
EMAIL="${EMAIL:-$(env_file_value EMAIL)}"

is_ip() { [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ || $1 == *:* ]]; }

abs() { mkdir -p "$1" && (cd "$1" && pwd); }

# Checks a certificate and key, then puts them in place atomically (nginx may reload at any moment).
install_pair() {
  local cert="$1" key="$2"
  [[ -r $cert && -r $key ]] || die "读不到证书或私钥 · cannot read $cert or $key"
  openssl x509 -in "$cert" -noout 2>/dev/null || die "不是 PEM 证书 · $cert is not a PEM certificate"
  openssl pkey -in "$key" -noout 2>/dev/null || die "不是 PEM 私钥（或有密码）· $key is not an unencrypted PEM key"
  [[ "$(openssl x509 -in "$cert" -noout -pubkey)" == "$(openssl pkey -in "$key" -pubout)" ]] ||
    die "证书和私钥不配对 · the certificate does not belong to this key"
  openssl x509 -in "$cert" -noout -checkend 0 >/dev/null || die "证书已过期 · the certificate has expired"
  if [[ -n $DOMAIN ]]; then
    local check=(-checkhost "$DOMAIN")
    is_ip "$DOMAIN" && check=(-checkip "$DOMAIN")
    openssl x509 -in "$cert" -noout "${check[@]}" | grep -q 'does match' ||
      die "证书不包含 $DOMAIN · the certificate does not cover $DOMAIN"
  fi
  mkdir -p "$CERT_DIR"
  cp "$cert" "$CERT_DIR/fullchain.pem.new"
  (umask 077 && cp "$key" "$CERT_DIR/privkey.pem.new")
  mv -f "$CERT_DIR/fullchain.pem.new" "$CERT_DIR/fullchain.pem"
  mv -f "$CERT_DIR/privkey.pem.new" "$CERT_DIR/privkey.pem"
  say "证书已就位 · certificate installed: $CERT_DIR/fullchain.pem ($(openssl x509 -in "$cert" -noout -enddate))"
}

# ECDSA P-256, a year, the name or address as subjectAltName, and marked as no CA: browsers let a guest
# proceed past a self-signed certificate only when it is not a CA certificate used as a server's.
self_signed() {
  local name="$1" san="DNS:$1" tmp
  is_ip "$name" && san="IP:$name"
  tmp="$(mktemp -d)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj "/CN=$name" -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" \
    -addext "subjectAltName=$san" -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=serverAuth" 2>/dev/null ||
    { rm -rf "$tmp"; die "openssl 生成自签名证书失败 · openssl could not make the certificate"; }
  DOMAIN="$name" install_pair "$tmp/fullchain.pem" "$tmp/privkey.pem"
  rm -rf "$tmp"
}

reload_nginx() {
  if command -v docker >/dev/null && docker compose ps --status running --services 2>/dev/null | grep -qx nginx; then
    docker compose exec -T nginx nginx -s reload
    say "nginx 已加载新证书 · nginx reloaded with the new certificate"
  else
    say "nginx 没在运行，启动时会读取证书 · nginx is not running; it reads the certificate when it starts"
  fi
}

certbot() {
  local certs acme
  certs="$(abs "$CERT_DIR")"
  acme="$(abs "$ACME_DIR")"
  docker run --rm -v "$certs:/certs" -v "$acme:/var/www/acme" "$CERTBOT_IMAGE" "$@" \
    --config-dir /certs/letsencrypt --work-dir /tmp/certbot --logs-dir /tmp/certbot/logs --non-interactive
}

# The files certbot keeps are root's and symlinks: copy them inside a container (as root, links resolved).
install_from_letsencrypt() {
  docker run --rm -v "$(abs "$CERT_DIR"):/certs" --entrypoint sh "$CERTBOT_IMAGE" -c "set -e; cd /certs
    cp -L letsencrypt/live/$LINEAGE/fullchain.pem fullchain.pem.new
    (umask 077; cp -L letsencrypt/live/$LINEAGE/privkey.pem privkey.pem.new)
    mv -f fullchain.pem.new fullchain.pem; mv -f privkey.pem.new privkey.pem"
  say "Let's Encrypt 证书已就位 · certificate installed: $CERT_DIR/fullchain.pem"
}

letsencrypt() {
  [[ -n $DOMAIN ]] || die "需要 DOMAIN · DOMAIN is required: make cert DOMAIN=chat.example.com EMAIL=you@example.com"
  command -v docker >/dev/null || die "需要 Docker 来运行 certbot · docker is needed to run certbot"
  # nginx answers the challenge on port 80, and it starts only with some certificate in place.
  [[ -s $CERT_DIR/fullchain.pem ]] || self_signed "$DOMAIN"
  mkdir -p "$ACME_DIR"
  docker compose up -d --no-deps nginx
  local names=(-d "$DOMAIN")
  # Let's Encrypt issues IP-address certificates only in its six-day profile: the daily renewal keeps up.
  is_ip "$DOMAIN" && names=(--ip-address "$DOMAIN" --preferred-profile shortlived)
  local account=(--register-unsafely-without-email)
  [[ -n $EMAIL ]] && account=(--email "$EMAIL" --no-eff-email)
  local staging=()
  [[ ${STAGING:-0} == 1 ]] && staging=(--staging)
  certbot certonly --webroot -w /var/www/acme --cert-name "$LINEAGE" "${names[@]}" "${account[@]}" \
    --agree-tos --keep-until-expiring "${staging[@]}"
  install_from_letsencrypt
  reload_nginx
  renewal_cron
}

# Daily at 03:17: certbot renews when a third of the lifetime is left (six-day IP certificates included). As root
# with a writable cron.d, a system cron file (idempotent: rewritten only when it would change); else printed.
renewal_cron() {
  local command dir
  dir="$(pwd)"
  # cron turns an unescaped % into a line break.
  command="cd $(printf '%q' "$dir" | sed 's/%/\\%/g') && scripts/cert.sh --renew >> /var/log/dh-cert.log 2>&1"
  if [[ $(id -u) != 0 || ! -d $CRON_DIR || ! -w $CRON_DIR ]]; then
    say "续期：每天运行一次 · renewal: run daily from root's crontab (crontab -e), e.g."
    say "  17 3 * * * $command"
    return 0
  fi
  local file="$CRON_DIR/$CRON_FILE" tmp
  tmp="$(mktemp "$CRON_DIR/.$CRON_FILE.XXXXXX")"
  {
    say "# 开心数字人: renews the Let's Encrypt certificate daily (scripts/cert.sh --cron wrote this; delete to stop)."
    say "SHELL=/bin/bash"
    say "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    say "17 3 * * * root $command"
  } >"$tmp"
  if cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    say "每日续期已安装 · daily renewal already installed: $file"
  else
    # cron ignores a cron.d file that group or others may write.
    chmod 644 "$tmp"
    mv -f "$tmp" "$file"
    say "已安装每日续期 · daily renewal installed: $file"
  fi
}

renew() {
  if [[ ! -f $CERT_DIR/letsencrypt/renewal/$LINEAGE.conf ]]; then
    say "没有 Let's Encrypt 证书，无需续期 · no Let's Encrypt certificate here, nothing to renew"
    return 0
  fi
  certbot renew
  install_from_letsencrypt
  reload_nginx
}

case "${1:-}" in
  --renew) renew ;;
  --install)
    [[ $# -eq 3 ]] || die "用法 · usage: scripts/cert.sh --install FULLCHAIN KEY"
    install_pair "$2" "$3"
    reload_nginx
    ;;
  --ensure)
    if [[ -s $CERT_DIR/fullchain.pem && -s $CERT_DIR/privkey.pem ]]; then exit 0; fi
    say "还没有证书，先用自签名证书 · no certificate yet: a self-signed one stands in until make cert"
    self_signed "${DOMAIN:-localhost}"
    ;;
  --cron) renewal_cron ;;
  -h | --help) sed -n '2,14p' "$0" ;;
  "")
    if [[ ${SELF_SIGNED:-0} == 1 ]]; then
      [[ -n $DOMAIN ]] || die "需要 DOMAIN（IP 或域名）· DOMAIN (an address or name) is required"
      self_signed "$DOMAIN"
      reload_nginx
    else
      letsencrypt
    fi
    ;;
  *) die "未知参数 · unknown argument $1 (see scripts/cert.sh --help)" ;;
esac
