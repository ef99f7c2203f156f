#!/usr/bin/env bash
# Installs the Debian packages sgd needs to build, test and demo, when missing.
set -euo pipefail
pkgs=(build-essential pkg-config clang libnftnl-dev libmnl-dev libnl-3-dev libnl-route-3-dev
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libssl-dev libcmocka-dev libsystemd-dev
      libcurl4-openssl-dev curl jq nftables iproute2 netsniff-ng nodejs npm socat python3 procps kmod
      openssl)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian's packages on this machine: accept any working ones.
if command -v node >/dev/null && command -v npm >/dev/null; then
	tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
	missing=("${tmp[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
