#!/usr/bin/env bash
# Writes every walkthrough's conversation into samples/<pattern>/<variant>/ with seed 1:
# the messages as sent (NN-from-to.xml), keys.json and the parties' key files.
# tests/samples.rs checks that the committed copies are exactly what wskex writes.
set -euo pipefail
cd "$(dirname "$0")/.."
wskex=${WSKEX:-target/release/wskex}
[ -x "$wskex" ] || cargo build --release --quiet
run() {
  local pattern=$1 variant=$2
  rm -rf "samples/$pattern/$variant"
  "$wskex" walk "$pattern" --variant "$variant" --seed 1 --out "samples/$pattern/$variant" --format json >/dev/null || true
}
run direct default
run brokered encrypted-key
run brokered computed-key
run delegated within-rights
run delegated beyond-rights
run request-reply encrypt-then-sign
run request-reply sign-then-encrypt
echo "samples written"
