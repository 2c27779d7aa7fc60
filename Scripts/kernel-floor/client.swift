// The kernel's share of the `long` workload's traffic, without an agent: blocking sockets, one send per request
// (head and body in one buffer), reads into a 1 MiB buffer, one model and one resources connection per thread.
// Per rollout it sends what a 31-step rollout with 4 KB tool outputs sends (the growing conversation to the
// model 31 times, 31 tool calls, the seed and the /verify of the whole response: 2.2 MB) and prints this
// process's system and user time per rollout. Usage: client ROLLOUTS CONCURRENCY MODEL_PORT RESOURCES_PORT
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class Connection {
    let fd: Int32
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var count = 0

    init(port: UInt16) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(connected == 0, "cannot connect to 127.0.0.1:\(port)")
    }

    func post(_ path: String, bodySize: Int) {
        var request = Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(bodySize)\r\n\r\n".utf8)
        request += repeatElement(UInt8(ascii: "y"), count: bodySize)
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            precondition(n > 0, "send failed")
            sent += n
        }
        var headEnd: Int? = nil
        while headEnd == nil {
            receive()
            headEnd = endOfHead()
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).lowercased()
        let length = head.range(of: "content-length: ").map { Int(head[$0.upperBound...].prefix { $0.isNumber }) ?? 0 } ?? 0
        let total = headEnd! + 4 + length
        while count < total { receive() }
        _ = buffer.withUnsafeMutableBytes { memmove($0.baseAddress!, $0.baseAddress! + total, count - total) }
        count -= total
    }

    private func receive() {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + count, $0.count - count, 0) }
        precondition(n > 0, "the peer closed the connection")
        count += n
    }

    private func endOfHead() -> Int? {
        guard count >= 4 else { return nil }
        for i in 0...(count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let rollouts = Int(arguments[1]), let concurrency = Int(arguments[2]),
      let modelPort = UInt16(arguments[3]), let resourcesPort = UInt16(arguments[4]) else {
    print("usage: client ROLLOUTS CONCURRENCY MODEL_PORT RESOURCES_PORT")
    exit(2)
}
let perThread = max(1, rollouts / concurrency)
var before = rusage()
getrusage(RUSAGE_SELF.rawValue, &before)
let start = Date()
let group = DispatchGroup()
for _ in 0..<concurrency {
    group.enter()
    Thread {
        let model = Connection(port: modelPort), resources = Connection(port: resourcesPort)
        for _ in 0..<perThread {
            resources.post("/seed_session", bodySize: 1_500)
            for step in 0..<31 {
                model.post("/v1/responses", bodySize: Int((1.5 + 4.35 * Double(step)) * 1024))
                resources.post("/tool", bodySize: 100)
            }
            resources.post("/verify", bodySize: 140 * 1024)
        }
        group.leave()
    }.start()
}
group.wait()
var after = rusage()
getrusage(RUSAGE_SELF.rawValue, &after)
func milliseconds(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
let n = Double(perThread * concurrency)
print(String(format: "%d rollouts in %.1f s: system %.2f ms per rollout, user %.2f ms", perThread * concurrency,
             Date().timeIntervalSince(start), (milliseconds(after.ru_stime) - milliseconds(before.ru_stime)) / n,
             (milliseconds(after.ru_utime) - milliseconds(before.ru_utime)) / n))
