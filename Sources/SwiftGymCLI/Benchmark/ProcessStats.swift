import NeMoGym
import Foundation

/// CPU time and memory of a process, read from `/proc/<pid>/stat` and `/proc/<pid>/status` (Linux).
public struct ProcessStats: Sendable {
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double
    /// System (kernel) CPU time, in seconds: the part of ``cpuSeconds`` spent in system calls, the loopback TCP
    /// stack included.
    public var systemCPUSeconds: Double = 0
    /// Resident set size now, in bytes (`VmRSS`).
    public var residentBytes: Int
    /// Peak resident set size, in bytes (`VmHWM`).
    public var peakResidentBytes: Int
    /// `syscr + syscw` of `/proc/<pid>/io`: the read- and write-family system calls (`read`, `write`,
    /// `readv`, ...; socket calls such as `recvfrom` and `sendto` are not counted there), or `0`.
    public var readWriteSyscalls: Int = 0

    /// Reads the stats of process `pid` (`nil` when `/proc` does not have it).
    public static func read(pid: Int32) -> ProcessStats? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        func kilobytes(_ key: String) -> Int {
            for line in status.split(separator: "\n") where line.hasPrefix(key) {
                return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
            }
            return 0
        }
        var io = 0
        if let text = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("syscr:") || line.hasPrefix("syscw:") {
                io += Int(line.split(separator: " ").last ?? "0") ?? 0
            }
        }
        var stats = ProcessStats(cpuSeconds: (utime + stime) / ticks, residentBytes: kilobytes("VmRSS:") * 1024,
                                 peakResidentBytes: kilobytes("VmHWM:") * 1024, readWriteSyscalls: io)
        stats.systemCPUSeconds = stime / ticks
        return stats
    }
}
