#!/usr/bin/env bash
# Agent conformance: NeMo Gym's scripted model and resources servers, `swift-gym serve` bootstrapped the way a
# NeMo Gym launcher starts a child server (NEMO_GYM_CONFIG_DICT + NEMO_GYM_CONFIG_PATH, max_steps 3), then
# compare.py against the results recorded from the Python SimpleAgent.
set -euo pipefail
source "$(dirname "$0")/lib/fakes.sh" "$1"

export NEMO_GYM_CONFIG_DICT="$(agent_config_yaml)"
export NEMO_GYM_CONFIG_PATH=conformance_agent
"$GYM" serve > "$WORK/serve.out" 2> "$WORK/serve.err" & SERVE_PID=$!; pids+=($SERVE_PID)
wait_up "$PA" || { cat "$WORK/serve.err" >&2; exit 1; }
grep -q "listening on http://127.0.0.1:$PA" "$WORK/serve.out" || { echo "swift-gym serve did not print its listening line" >&2; cat "$WORK/serve.out" >&2; exit 1; }
python3 "$CONF/compare.py" "http://127.0.0.1:$PA" "$CONF/rows.jsonl" "$CONF/expected_max_steps_3.json"

# D9: SIGTERM stops swift-gym serve gracefully with exit status 0.
kill -TERM "$SERVE_PID"
rc=0
for _ in $(seq 1 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVE_PID" 2>/dev/null; then
  echo "swift-gym serve still running 10 s after SIGTERM" >&2; kill -KILL "$SERVE_PID" 2>/dev/null || true; exit 1
fi
wait "$SERVE_PID" || rc=$?
if [ "$rc" -ne 0 ]; then echo "swift-gym serve exited with status $rc after SIGTERM (expected 0)" >&2; cat "$WORK/serve.err" >&2; exit 1; fi
echo "swift-gym serve: exited 0 on SIGTERM"
