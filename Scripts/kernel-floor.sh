#!/usr/bin/env bash
# The kernel's share of the `long` workload's traffic without an agent (BENCHMARKS.md): a minimal blocking
# client (kernel-floor/client.swift, built with swiftc -O) sends a 31-step rollout's bytes to two Python
# ThreadingHTTPServer peers (kernel-floor/peers.py) at concurrency 8 and prints its system time per rollout.
# Usage: Scripts/kernel-floor.sh [ROLLOUTS] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rollouts="${1:-200}"
runs="${2:-3}"
work="$(mktemp -d)"
trap 'kill "$peers" 2>/dev/null || true; rm -rf "$work"' EXIT
swiftc -O "$here/kernel-floor/client.swift" -o "$work/client"
python3 "$here/kernel-floor/peers.py" > "$work/ports" &
peers=$!
for _ in $(seq 50); do [ -s "$work/ports" ] && break; sleep 0.1; done
read -r model resources < "$work/ports"
for _ in $(seq "$runs"); do "$work/client" "$rollouts" 8 "$model" "$resources"; done
