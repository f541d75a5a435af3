#!/usr/bin/env bash
# Installs the Debian packages wskex needs when they are missing, then gets out of the way.
#   pkg-config, libssl-dev  build: the openssl crate links the system OpenSSL 3
#   xmlsec1, libxml2-utils  tests: the live interop oracles (xmlsec1, xmllint)
#   tmux                    tests: the terminal UI is driven in a real terminal
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openssl; } || missing+=(libssl-dev)
command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "installing missing system packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
