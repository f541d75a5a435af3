#!/usr/bin/env bash
# Whole-process open time of the TUI (issue 10's goal: first frame of a 50 MB capture in < 0.5 s).
# Launches `wskex tui DIR` in a fresh 120x40 tmux session and polls `capture-pane` until the first
# frame (the Envelope pane's title) shows; prints each run in ms, then the median. A benchmark to
# run by hand, never a timed test.
#   scripts/make-large-capture.sh /tmp/large 50 0
#   scripts/tui-open-time.sh target/release/wskex /tmp/large/one-message 10
set -euo pipefail
bin=${1:?usage: tui-open-time.sh WSKEX_BINARY CAPTURE_DIR [RUNS]}
dir=${2:?usage: tui-open-time.sh WSKEX_BINARY CAPTURE_DIR [RUNS]}
runs=${3:-10}
times=()
for i in $(seq 1 "$runs"); do
    session=wskex-open-$$-$i
    start=$(date +%s%N)
    tmux new-session -d -s "$session" -x 120 -y 40 "$bin tui $dir --cert samples/keys/alice.cert.pem"
    deadline=$((start + 30000000000))
    until tmux capture-pane -p -t "$session" 2>/dev/null | grep -q "1 Envelope"; do
        if (($(date +%s%N) > deadline)); then
            tmux kill-session -t "$session" 2>/dev/null || true
            echo "run $i: no first frame within 30 s" >&2
            exit 1
        fi
        sleep 0.005
    done
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
    echo "run $i: ${times[-1]} ms"
    tmux kill-session -t "$session"
    sleep 0.3
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median of $runs runs: $median ms"
