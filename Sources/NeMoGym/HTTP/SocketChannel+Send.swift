#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

// Sending is the same for the epoll and the Dispatch channel: `send` until done, waiting for writability.
extension SocketChannel {
    /// Sends all of `bytes`, waiting for writability when the socket buffer is full.
    /// Returns `nil` on success or the reason it stopped (`errno` values are reported as `.closed`).
    func write(_ bytes: [UInt8], moreFollows: Bool = false) async -> WaitResult? {
        let flags = Int32(MSG_NOSIGNAL) | (moreFollows ? Int32(MSG_MORE) : 0)
        var offset = 0
        while offset < bytes.count {
            if shut.load(ordering: .acquiring) { return .closed }
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, flags)
            }
            if n > 0 {
                offset += n
                continue
            }
            let e = errno
            if n < 0 && e == EINTR { continue }
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                let result = await waitWritable()
                if result != .ready { return result }
                continue
            }
            return .closed
        }
        return nil
    }

    /// Half-closes the sending side (`shutdown(SHUT_WR)`), so the peer reads end-of-stream.
    func shutdownWrite() {
        if shut.load(ordering: .acquiring) { return }
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }
}
