#!/usr/bin/env bash
# Compares two release builds of swift-gym on the same driver and peers, alternating them so that the
# shared machine's slow and fast phases fall on both (BENCHMARKS.md).
# Usage: Scripts/bench-interleaved.sh OLD_SWIFT_GYM NEW_SWIFT_GYM [ROUNDS]
# Needs ../shared/conformance/agent for the Python fakes; burst runs use the Swift fakes.
set -uo pipefail
old="${1:?usage: $0 OLD_SWIFT_GYM NEW_SWIFT_GYM [ROUNDS]}"
new="${2:?usage: $0 OLD_SWIFT_GYM NEW_SWIFT_GYM [ROUNDS]}"
rounds="${3:-3}"
cpu() { grep 'agent CPU' | sed 's/^ *//'; }
for round in $(seq 1 "$rounds"); do
  for build in old new; do
    x=$old; [ "$build" = new ] && x=$new
    echo "round $round $build single python: $("$x" bench --workload single --rollouts 3000 --peers python 2>&1 | cpu)"
    echo "round $round $build long python:   $("$x" bench --workload long --rollouts 300 --peers python 2>&1 | cpu)"
  done
done
for build in old new; do
  x=$old; [ "$build" = new ] && x=$new
  echo "$build single syscalls: $("$x" bench --workload single --rollouts 1000 --strace 300 --peers python 2>&1 | grep syscalls | sed 's/^ *//')"
  echo "$build long syscalls:   $("$x" bench --workload long --rollouts 100 --strace 30 --peers python 2>&1 | grep syscalls | sed 's/^ *//')"
  echo "$build burst: $("$x" bench --workload burst 2>&1 | grep -E 'rollouts at|agent CPU|RSS|in flight' | sed 's/^ *//' | tr '\n' ' ')"
done
