#!/usr/bin/env bash
# Fault checks (issue 9): `gym serve` against misbehaving fakes that .ci/fault/faults.py starts on 127.0.0.1
# (a huge Content-Length, request heads under an address-space limit, a body cut short, callers that leave,
# more connections than descriptors). Needs only python3 (standard library) and the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
GYM="${GYM:-.build/debug/swift-gym}"
python3 .ci/fault/faults.py "$GYM"
