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
    func write(_ bytes: [UInt8]) async -> WaitResult? {
        await sendAll(count: bytes.count) { offset in
            bytes.withUnsafeBytes { raw in send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// Sends `head` then `body` as one stream with `sendmsg` (two `iovec`s: one system call for both when the
    /// socket buffer takes them, and the body is not copied behind the head), waiting for writability when the
    /// buffer is full. Returns `nil` on success or the reason it stopped, as ``write(_:)``.
    func write(_ head: [UInt8], then body: [UInt8]) async -> WaitResult? {
        if body.isEmpty { return await write(head) }
        if head.isEmpty { return await write(body) }
        return await sendAll(count: head.count + body.count) { offset in
            head.withUnsafeBytes { h in
                body.withUnsafeBytes { b in
                    var parts = (iovec(), iovec())
                    var count = 1
                    if offset < h.count {
                        parts.0 = iovec(iov_base: UnsafeMutableRawPointer(mutating: h.baseAddress! + offset), iov_len: h.count - offset)
                        parts.1 = iovec(iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress!), iov_len: b.count)
                        count = 2
                    } else {
                        let skip = offset - h.count
                        parts.0 = iovec(iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress! + skip), iov_len: b.count - skip)
                    }
                    return withUnsafeMutablePointer(to: &parts) { pointer in
                        pointer.withMemoryRebound(to: iovec.self, capacity: 2) { vector in
                            var message = msghdr()
                            message.msg_iov = vector
                            message.msg_iovlen = numericCast(count)
                            return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                        }
                    }
                }
            }
        }
    }

    /// Calls `attempt(offset)` (one system call sending from byte `offset` on, returning its result) until
    /// `count` bytes are sent, retrying on `EINTR` and waiting for writability on `EAGAIN`.
    private func sendAll(count: Int, _ attempt: (Int) -> Int) async -> WaitResult? {
        var offset = 0
        while offset < count {
            if shut.load(ordering: .acquiring) { return .closed }
            let n = attempt(offset)
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
