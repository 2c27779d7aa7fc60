#!/bin/sh
# Builds and runs one fuzz target with libFuzzer and AddressSanitizer (both ship with the Swift toolchain).
#
#   Fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
#
# TARGET is json, yaml, http-head or chunked; SECONDS defaults to 60. One fuzzer, .build/fuzz/fuzzer, is
# built from the library sources the targets need, Tests/NeMoGymTests/Support/FuzzChecks.swift (the
# properties checked, shared with the FuzzCorpusTests replay) and Fuzz/Target.swift; NEMOGYM_FUZZ_TARGET
# selects the target. The run starts from the seeds and findings in Fixtures/fuzz/TARGET (libFuzzer adds
# new inputs only to the first corpus directory, .build/fuzz/corpus-TARGET); crashes land in
# .build/fuzz/artifacts-TARGET/. Copy a finding into Fixtures/fuzz/TARGET once it is fixed, so
# `swift test --filter FuzzCorpusTests` replays it. Run it niced on a shared machine: nice -n 10 Fuzz/run.sh ...
set -eu
cd "$(dirname "$0")/.."
target=${1:?usage: Fuzz/run.sh json|yaml|http-head|chunked [seconds] [libFuzzer flags...]}
seconds=${2:-60}
[ $# -ge 2 ] && shift 2 || shift $#
case "$target" in
  json|yaml|http-head|chunked) ;;
  *) echo "unknown target '$target' (json, yaml, http-head, chunked)" >&2; exit 2 ;;
esac
swiftc=${SWIFTC:-swiftc}
lib=Sources/NeMoGym
sources="$lib/JSON/*.swift $lib/Config/YAML*.swift $lib/Config/ConfigError.swift
  $lib/HTTP/HTTPHeadParser.swift $lib/HTTP/HTTPHeaders.swift $lib/HTTP/Cookies.swift $lib/HTTP/HTTPMethod.swift $lib/HTTP/HTTPVersion.swift
  $lib/HTTP/ChunkedDecoder.swift $lib/HTTP/InboundBuffer.swift"
out=.build/fuzz
mkdir -p "$out/corpus-$target" "$out/artifacts-$target" "Fixtures/fuzz/$target"
# One fuzzer for every target, rebuilt when a source is newer than it.
# shellcheck disable=SC2086
if [ ! -x "$out/fuzzer" ] || [ -n "$(find $sources Tests/NeMoGymTests/Support/FuzzChecks.swift Fuzz/Target.swift -newer "$out/fuzzer")" ]; then
  "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -module-name NeMoGymFuzz \
    $sources Tests/NeMoGymTests/Support/FuzzChecks.swift Fuzz/Target.swift -o "$out/fuzzer"
fi
NEMOGYM_FUZZ_TARGET=$target exec "$out/fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$out/artifacts-$target/" -print_final_stats=1 "$@" "$out/corpus-$target" "Fixtures/fuzz/$target"
