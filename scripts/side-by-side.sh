#!/usr/bin/env bash
# Times two commands alternately (so both see the same machine load) and prints each one's
# median wall time and peak memory (GNU time), and the median of the per-pair time ratios.
#
#   scripts/side-by-side.sh RUNS 'OURS COMMAND' 'PEER COMMAND'
#
# e.g. scripts/side-by-side.sh 11 'target/release/wskex verify doc.xml --hmac-secret file:k' \
#        'xmlsec1 --verify --hmackey k doc.xml'
set -euo pipefail
runs=${1:?usage: side-by-side.sh RUNS OURS PEER}
ours=${2:?usage: side-by-side.sh RUNS OURS PEER}
peer=${3:?usage: side-by-side.sh RUNS OURS PEER}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %M" -o "$tmp/a" bash -c "$ours" >/dev/null 2>&1 || { echo "failed: $ours" >&2; exit 1; }
    /usr/bin/time -f "%e %M" -o "$tmp/b" bash -c "$peer" >/dev/null 2>&1 || { echo "failed: $peer" >&2; exit 1; }
    paste "$tmp/a" "$tmp/b" >>"$tmp/runs"
done
python3 - "$tmp/runs" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
med = lambda xs: statistics.median(xs)
ours_s, ours_kb, peer_s, peer_kb = (med([r[i] for r in rows]) for i in range(4))
ratio = med([r[0] / r[2] for r in rows if r[2] > 0])
print("ours: median %.3f s, %d KB peak" % (ours_s, ours_kb))
print("peer: median %.3f s, %d KB peak" % (peer_s, peer_kb))
print("median time ratio ours/peer %.3f, memory ratio %.3f (%d alternating pairs)"
      % (ratio, ours_kb / peer_kb, len(rows)))
PY
