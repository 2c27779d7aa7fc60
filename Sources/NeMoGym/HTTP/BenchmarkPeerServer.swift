import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal keep-alive HTTP/1.1 server that answers the way uvicorn or Python's `http.server` do on a busy
/// machine: after a scheduling delay, with the response head and body in two separate writes (so the client
/// sees two segments and usually waits twice). `swift-gym bench` serves its fakes with it by default.
///
/// It understands only what the benchmark sends: `Content-Length` bodies, no chunked uploads, no pipelining.
package final class BenchmarkPeerServer: Sendable {
    /// The bound port.
    package let port: Int
    private let listener: SocketListener

    /// Listens on 127.0.0.1 (port 0: any free port) and answers with `handler` after `delay`.
    package init(delay: Duration, handler: @escaping AgentHTTPHandler) throws(AgentHTTPServerError) {
        let address = SocketAddress(numericHost: "127.0.0.1", port: 0)!
        listener = try SocketListener(address: address, host: "127.0.0.1", port: 0, backlog: 16384) { fd, _ in
            let channel = SocketChannel(fd: fd)
            Task(executorPreference: channel.preferredExecutor) { await Self.serve(channel, delay: delay, handler: handler) }
        }
        port = listener.localAddress.port
    }

    private static func serve(_ channel: SocketChannel, delay: Duration, handler: AgentHTTPHandler) async {
        let buffer = InboundBuffer()
        defer { channel.close() }
        func fill() async -> Bool {
            while true {
                switch channel.receive(into: buffer) {
                case .received: return true
                case .endOfStream, .failed: return false
                case .wouldBlock:
                    if await channel.waitReadable(.idle) != .ready { return false }
                }
            }
        }
        while true {
            var scanFrom = 0
            var headLength: Int?
            while true {
                headLength = buffer.withBytes { HTTPHeadParser.headLength(in: $0, scanFrom: &scanFrom) }
                if headLength != nil { break }
                if buffer.count > 1 << 20 { return }
                if !(await fill()) { return }
            }
            let length = headLength ?? 0
            let parsed = buffer.withBytes { bytes in
                try? HTTPHeadParser.parseRequest(UnsafeBufferPointer(rebasing: bytes[0..<length]))
            }
            guard let head = parsed else { return }
            buffer.consume(length)
            let n = head.headers["Content-Length"].flatMap { Int($0.trimmingSpaces()) } ?? 0
            var body: [UInt8] = []
            body.reserveCapacity(n)
            while body.count < n {
                _ = buffer.move(upTo: n - body.count, into: &body)
                if body.count < n, !(await fill()) { return }
            }
            let response = await handler(AgentHTTPRequest(method: head.method, target: head.target, version: head.version,
                                                     headers: head.headers, body: body))
            if delay > .zero { try? await Task.sleep(for: delay) }
            let headBytes = HTTPResponseSerializer.serialize(response, isHEAD: true, close: false, keepAliveHeader: false)
            if await channel.write(headBytes) != nil { return }
            if !response.body.isEmpty, await channel.write(response.body) != nil { return }
        }
    }

    /// The process's epoll loops as task executors (Linux; empty elsewhere), for the benchmark's load generator:
    /// a task that runs on a loop registers the connections it opens with that loop, so their events resume it
    /// without a hop to the cooperative pool, as the agent's own handlers do.
    package static var eventLoopExecutors: [any TaskExecutor] {
        #if os(Linux)
        return EpollLoop.all
        #else
        return []
        #endif
    }

    /// Stops accepting.
    package func close() async { await listener.close() }
}
