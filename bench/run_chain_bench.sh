#!/usr/bin/env bash
# Builds the Release preset and runs the chain-engine benchmark; the figures table comes last.
#   bench/run_chain_bench.sh                      100 thousand and 1 million persons
#   bench/run_chain_bench.sh --persons=100000     the quick run
# Every other argument goes to chain_bench (--movements=N, --seed=S, --benchmark_filter=...).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cmake --preset bench >/dev/null
cmake --build --preset bench --target chain_bench --parallel "${STAFFCHAIN_BENCH_JOBS:-2}"

results="build/bench/bench-results"
mkdir -p "$results"
out="$results/chain_bench-$(date +%Y%m%dT%H%M%S).json"
build/bench/bin/chain_bench --benchmark_out="$out" --benchmark_out_format=json "$@"
echo "raw results: $out"
