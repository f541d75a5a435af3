#!/usr/bin/env bash
# The test command: formatting, lints and every test, in that order (cheapest failure first).
# Interop tests need xmlsec1, xmllint and tmux (scripts/ensure-system-packages.sh installs them)
# and ../shared; without them they print `skipped:` unless WSKEX_REQUIRE_INTEROP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test "$@"
