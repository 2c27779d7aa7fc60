#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer that bytes are received into and consumed from the front (one per connection).
///
/// Not thread-safe: a connection's task owns it.
final class InboundBuffer {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Index of the first unconsumed byte.
    private(set) var start = 0
    /// Index one past the last received byte.
    private(set) var end = 0

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 256)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// How many received bytes are not consumed yet.
    var count: Int { end - start }

    var isEmpty: Bool { end == start }

    /// Calls `body` with the unconsumed bytes.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage + start, count: end - start))
    }

    /// The unconsumed byte at offset `i` from the front.
    subscript(i: Int) -> UInt8 { storage[start + i] }

    /// Drops `n` bytes from the front.
    func consume(_ n: Int) {
        start += n
        if start >= end {
            start = 0
            end = 0
        }
    }

    /// Moves up to `n` bytes from the front to the end of `output`.
    func move(upTo n: Int, into output: inout [UInt8]) -> Int {
        let k = min(n, count)
        output.append(contentsOf: UnsafeBufferPointer(start: storage + start, count: k))
        consume(k)
        return k
    }

    /// Makes room for at least `minimum` more bytes.
    private func reserve(_ minimum: Int) {
        if capacity - end >= minimum { return }
        if start > 0 {
            let live = end - start
            (storage).update(from: storage + start, count: live)
            start = 0
            end = live
            if capacity - end >= minimum { return }
        }
        var newCapacity = capacity * 2
        while newCapacity - end < minimum { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage + start, count: end - start)
        end -= start
        start = 0
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    /// The result of one `recv`.
    enum ReceiveResult {
        case received(Int)
        case endOfStream
        case wouldBlock
        case failed(Int32)
    }

    /// Whether the last successful ``receive(from:)`` filled all the free space (more may be waiting).
    private(set) var lastReceiveFilled = false

    /// Receives what is available on `fd` (one `recv`, retried on `EINTR`).
    func receive(from fd: Int32) -> ReceiveResult {
        reserve(2048)
        while true {
            let n = recv(fd, storage + end, capacity - end, 0)
            if n > 0 {
                lastReceiveFilled = n == capacity - end
                end += n
                return .received(n)
            }
            if n == 0 { return .endOfStream }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }
}
