#!/usr/bin/env bash
# Fills corpus/TARGET with the seeds: every XML file of ../shared/vectors, ../shared/captures
# and the samples (the c14n target's inputs start with one byte choosing the methods).
# Run once before the first `cargo fuzz run`; `cargo fuzz cmin TARGET` then keeps it small.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${WSKEX_SHARED:-$here/../../shared}
mapfile -t seeds < <(find "$shared/vectors" "$shared/captures" "$here/../samples" -type f -name '*.xml' | sort)
# `seed.sh --remove` takes the seed copies out again before a commit: they live in ../shared.
if [[ ${1:-} == --remove ]]; then
    for seed in "${seeds[@]}"; do
        name=$(sha1sum "$seed" | cut -c1-40)
        rm -f "$here"/corpus/{parse,c14n,verify,inspect}/"$name"
    done
    echo "removed the seed copies"
    exit 0
fi
for target in parse c14n verify inspect; do
    mkdir -p "$here/corpus/$target"
done
for seed in "${seeds[@]}"; do
    name=$(sha1sum "$seed" | cut -c1-40)
    for target in parse verify inspect; do
        cp "$seed" "$here/corpus/$target/$name"
    done
    { printf '\x13'; cat "$seed"; } >"$here/corpus/c14n/$name"
done
echo "seeded ${#seeds[@]} files into $here/corpus/{parse,c14n,verify,inspect}"
