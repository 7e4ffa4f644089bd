#!/usr/bin/env bash
# The figures of docs/RESULTS.md's "On a microcontroller" table, for each run directory given:
# exports the network as C (float, then int8), compiles each with the test's harness
# (cc -std=c99 -Wall -Wextra -Werror -O2), runs MNIST's 10,000 test images through it, and prints
# flash bytes (text + data of the model's object file), arena bytes, microseconds per image on
# this CPU, and test accuracy.
#   scripts/c-export-figures.sh RUN_DIR...      (MNIST in ~/.cache/mnistlab/mnist, as train puts it)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${MNISTLAB_MNIST_DIR:-$HOME/.cache/mnistlab/mnist}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tail -c +17 "$data/t10k-images-idx3-ubyte" > "$work/images.bin"
tail -c +9 "$data/t10k-labels-idx1-ubyte" > "$work/labels.bin"
cc="${CC:-cc}"
printf '%-28s %-5s %12s %12s %10s %10s\n' run form flash_bytes arena_bytes us_per_img accuracy
for run in "$@"; do
  for form in float int8; do
    out="$work/$form"
    rm -rf "$out"
    flags=()
    [ "$form" = int8 ] && flags=(--int8)
    ./mnistlab export "$run" --format c "${flags[@]}" --out "$out" > /dev/null
    "$cc" -std=c99 -Wall -Wextra -Werror -O2 -c -o "$out/model.o" "$out/mnistlab_model.c"
    flash=$(size "$out/model.o" | awk 'NR == 2 { print $1 + $2 }')
    arena=$(awk '/#define MNISTLAB_ARENA_BYTES/ { print $3 }' "$out/mnistlab_model.h")
    "$cc" -std=c99 -Wall -Wextra -Werror -O2 -I"$out" -o "$out/harness" \
      src/test/resources/dev/mnistlab/export/harness.c "$out/mnistlab_model.c" -lm
    "$out/harness" "$work/images.bin" 10000 > "$out/predictions.txt" 2> "$out/timing.txt"
    micros=$(awk '{ print $2 }' "$out/timing.txt")
    accuracy=$(od -An -tu1 -v "$work/labels.bin" | tr -s ' ' '\n' | grep -v '^$' \
      | paste - <(awk '{ print $1 }' "$out/predictions.txt") \
      | awk '$1 == $2 { right++ } END { printf "%.2f", 100 * right / NR }')
    printf '%-28s %-5s %12s %12s %10s %10s\n' "$(basename "$run")" "$form" "$flash" "$arena" "$micros" "$accuracy"
  done
done
