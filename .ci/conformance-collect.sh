#!/usr/bin/env bash
# Collection conformance: `swift-gym collect` against `swift-gym serve` wired to NeMo Gym's scripted fakes.
# 9 rows x 3 repeats at concurrency 4 must give 27 rows with the Python reference's rewards and
# mean/reward 7/9; after cutting OUT.jsonl to 10 lines plus half of the 11th (a crash mid-write),
# --resume must dispatch only the 17 missing rollouts and end with 27 unique rows and the same metrics.
set -euo pipefail
source "$(dirname "$0")/lib/fakes.sh" "$1"
agent_config_yaml > "$WORK/config.yaml"
"$GYM" serve "$WORK/config.yaml" > "$WORK/serve.out" 2> "$WORK/serve.err" & pids+=($!)
wait_up "$PA" || { cat "$WORK/serve.err" >&2; exit 1; }

OUT="$WORK/out/rollouts.jsonl"
"$GYM" collect -i "$CONF/rows.jsonl" -o "$OUT" --agent-url "http://127.0.0.1:$PA" --agent conformance_agent \
  --num-repeats 3 --concurrency 4 > "$WORK/first.out" 2> "$WORK/first.err" || { echo "first collect failed ($?)"; cat "$WORK/first.err"; exit 1; }
cp "$WORK/out/rollouts_aggregate_metrics.json" "$WORK/first_metrics.json"

# A crash mid-write: keep 10 lines and half of the 11th.
python3 - "$OUT" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(lines[:10]) + "\n" + lines[10][: len(lines[10]) // 2])
PY
"$GYM" collect -i "$CONF/rows.jsonl" -o "$OUT" --agent-url "http://127.0.0.1:$PA" --agent conformance_agent \
  --num-repeats 3 --concurrency 4 --resume > "$WORK/second.out" 2> "$WORK/second.err" || { echo "resumed collect failed"; cat "$WORK/second.err"; exit 1; }

python3 - "$CONF" "$WORK" <<'PY'
import json, sys
conf, work = sys.argv[1], sys.argv[2]
expected = json.load(open(f"{conf}/expected_max_steps_3.json"))
rows = [json.loads(l) for l in open(f"{work}/out/rollouts.jsonl") if l.strip()]
checks = []
keys = [(r["_ng_task_index"], r["_ng_rollout_index"]) for r in rows]
checks.append(("27 result rows", len(rows) == 27))
checks.append(("no duplicate (task, rollout) keys", len(set(keys)) == 27))
checks.append(("every task has rollouts 0, 1, 2", sorted(keys) == [(t, r) for t in range(9) for r in range(3)]))
checks.append(("rewards equal the Python reference", all(r["reward"] == expected[r["_ng_task_index"]]["reward"] for r in rows)))
for name in ("first_metrics.json", "out/rollouts_aggregate_metrics.json"):
    m = json.load(open(f"{work}/{name}"))
    checks.append((f"{name}: mean/reward is 7/9", abs(m[0]["agent_metrics"]["mean/reward"] - 7 / 9) < 1e-9))
err = open(f"{work}/second.err").read() + open(f"{work}/second.out").read()
checks.append(("the resumed run dispatched only the 17 missing rollouts",
               "- 17 rows that still need to be run" in err and "Collected 17 rollout(s) this run: 17 succeeded" in err))
passed = sum(ok for _, ok in checks)
for name, ok in checks:
    if not ok: print("FAILED:", name)
print(f"collect: {passed} passed, {len(checks) - passed} failed")
sys.exit(0 if passed == len(checks) else 1)
PY
