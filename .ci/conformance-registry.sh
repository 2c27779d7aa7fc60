#!/usr/bin/env bash
# Registry conformance: `swift-gym list agents --json` inside the real 39-agent tree must equal the expected JSON.
# Usage: .ci/conformance-registry.sh /path/to/shared/conformance
set -euo pipefail
conformance="${1:?usage: $0 CONFORMANCE_DIR}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
swift build --package-path "$repo" --product swift-gym >/dev/null
gym="$(swift build --package-path "$repo" --show-bin-path)/swift-gym"
tree="$conformance/registry/nemo-gym-tree"
actual="$(cd "$tree" && env -u NEMO_GYM_EXTRA_ROOTS "$gym" list agents --json)"
ACTUAL="$actual" python3 - "$conformance/registry/nemo-gym-tree.expected.json" <<'PY'
import json, os, sys
actual = json.loads(os.environ["ACTUAL"])
expected = json.load(open(sys.argv[1]))
by_name = {e["name"]: e for e in expected}
passed = sum(1 for a in actual if by_name.get(a["name"]) == a)
failed = max(len(expected), len(actual)) - passed
if [a["name"] for a in actual] != [e["name"] for e in expected]:
    failed = max(failed, 1)
    print("agent order or names differ")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
