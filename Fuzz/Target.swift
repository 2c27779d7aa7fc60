// The libFuzzer entry point: Fuzz/run.sh compiles this file with the library sources it needs and
// Tests/NeMoGymTests/Support/FuzzChecks.swift into one fuzzer; NEMOGYM_FUZZ_TARGET picks the check.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let fuzzTarget: String = getenv("NEMOGYM_FUZZ_TARGET").map { String(cString: $0) } ?? "json"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = FuzzChecks.check(fuzzTarget, bytes)
    if !problems.isEmpty { fatalError("\(fuzzTarget): " + problems.joined(separator: "; ")) }
    return 0
}
