#if !os(Linux)
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected non-blocking socket whose readiness is awaited through `DispatchSource`s on the global queue
/// (the path for platforms other than Linux; Linux uses the epoll loop of `SocketChannel.swift`).
///
/// One task drives a channel: it calls `recv`/`send` directly and, when they would block, awaits
/// ``waitReadable(_:)`` / ``waitWritable()``. Sources start suspended and are armed only while a task waits:
/// the handler suspends the source as it wakes the waiter. (Leaving the read source armed after a wake-up looks
/// cheaper but is not: libdispatch re-arms it through the manager thread while the task has not read the data
/// yet, so the level-triggered source usually fires again with nobody waiting and must be suspended and resumed
/// anyway; measured under `gym bench`, 1.8 handler runs and 0.8 resumes per wait, against 1 and 1 now.)
///
/// Other parties may ``interrupt(_:)`` or ``drain()`` the channel at any time; only the owning task calls
/// ``close()``, after its last use of the descriptor, because descriptor numbers are reused at once and a late
/// `send` on a reused number would reach another connection. After ``interrupt(_:)`` with `.closed`,
/// ``receive(into:)`` and ``write(_:)`` refuse to touch the socket. The descriptor is closed in the sources'
/// cancel handlers, never earlier.
final class SocketChannel: @unchecked Sendable {
    /// The executor a task that drives this channel should prefer: the epoll loop on Linux; none here.
    var preferredExecutor: (any TaskExecutor)? { nil }

    // Waiters are `UnsafeContinuation`s (a `CheckedContinuation` allocates a checker per wait): each one is taken
    // out of `state` under its lock before it is resumed, or resumed at once without being stored, so it is
    // resumed exactly once.
    private struct State {
        var readWaiter: UnsafeContinuation<WaitResult, Never>?
        var readKind: WaitKind = .busy
        var writeWaiter: UnsafeContinuation<WaitResult, Never>?
        var readSuspended = true
        var writeSuspended = true
        var interruption: WaitResult?
        var draining = false
        var closed = false
    }

    /// The descriptor.
    let fd: Int32
    /// Uptime nanoseconds after which a ``ChannelWatchdog`` interrupts waits with `.timedOut`; `0` = none.
    let deadline = Atomic<UInt64>(0)

    private let state = Mutex(State())
    /// Set by `interrupt(.closed)` and `close()`: no more I/O on the descriptor.
    let shut = Atomic<Bool>(false)  // internal: read by SocketChannel+Send.swift
    private let openSources = Atomic<Int>(1)
    private let readSource: any DispatchSourceRead
    // Created on first use, under `state`'s lock.
    private var writeSource: (any DispatchSourceWrite)?

    /// Wraps a connected, non-blocking descriptor; the channel owns it from now on.
    init(fd: Int32) {
        self.fd = fd
        DescriptorBudget.opened()
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
        readSource.setEventHandler { [self] in
            let waiter: UnsafeContinuation<WaitResult, Never>? = state.withLock { s in
                if s.closed { return nil }
                if let waiter = s.readWaiter {
                    s.readWaiter = nil
                    if !s.readSuspended {
                        s.readSuspended = true
                        readSource.suspend()
                    }
                    return waiter
                }
                // Readable with nobody waiting (the task is busy): stop the level-triggered source from refiring.
                if !s.readSuspended {
                    s.readSuspended = true
                    readSource.suspend()
                }
                return nil
            }
            waiter?.resume(returning: .ready)
        }
        readSource.setCancelHandler { [self] in sourceCancelled() }
        // Sources are created inactive; activate, then keep it suspended until someone waits.
        readSource.suspend()
        readSource.activate()
    }

    private func sourceCancelled() {
        if openSources.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            _ = Glibc.close(fd)
            DescriptorBudget.closed()
        }
    }

    /// Waits until the socket is readable (or the wait is ended for another reason).
    func waitReadable(_ kind: WaitKind) async -> WaitResult {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<WaitResult, Never>) in
                let immediate: WaitResult? = state.withLock { s in
                    if let i = s.interruption { return i }
                    if kind == .idle && s.draining { return .draining }
                    if Task.isCancelled { return .cancelled }
                    s.readWaiter = continuation
                    s.readKind = kind
                    if s.readSuspended {
                        s.readSuspended = false
                        readSource.resume()
                    }
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.wakeWaiters(with: .cancelled, sticky: false)
        }
    }

    /// Waits until the socket is writable (or the wait is ended for another reason).
    func waitWritable() async -> WaitResult {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<WaitResult, Never>) in
                let immediate: WaitResult? = state.withLock { s in
                    if let i = s.interruption { return i }
                    if Task.isCancelled { return .cancelled }
                    s.writeWaiter = continuation
                    let source = writeSource ?? makeWriteSource()
                    if s.writeSuspended {
                        s.writeSuspended = false
                        source.resume()
                    }
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.wakeWaiters(with: .cancelled, sticky: false)
        }
    }

    // Called with `state` locked.
    private func makeWriteSource() -> any DispatchSourceWrite {
        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: .global())
        source.setEventHandler { [self] in
            let waiter: UnsafeContinuation<WaitResult, Never>? = state.withLock { s in
                if s.closed { return nil }
                // A socket is writable nearly always, so never leave the write source armed without a waiter.
                if !s.writeSuspended {
                    s.writeSuspended = true
                    source.suspend()
                }
                defer { s.writeWaiter = nil }
                return s.writeWaiter
            }
            waiter?.resume(returning: .ready)
        }
        source.setCancelHandler { [self] in sourceCancelled() }
        openSources.add(1, ordering: .acquiringAndReleasing)
        source.suspend()
        source.activate()
        writeSource = source
        return source
    }

    /// Ends current and future waits with `reason` (`.timedOut` or `.closed`); after `.closed` the channel also
    /// refuses further I/O. The descriptor stays open until the owner calls ``close()``.
    func interrupt(_ reason: WaitResult) {
        if reason == .closed { shut.store(true, ordering: .releasing) }
        wakeWaiters(with: reason, sticky: true)
    }

    /// Forgets a `.timedOut` interruption (set a later ``deadline`` first), so the owner can still send an error
    /// response after a deadline passed.
    func clearTimeout() {
        state.withLock { s in if s.interruption == .timedOut { s.interruption = nil } }
    }

    private func wakeWaiters(with reason: WaitResult, sticky: Bool) {
        let (r, w) = state.withLock { s in
            if sticky && s.interruption == nil { s.interruption = reason }
            defer { s.readWaiter = nil; s.writeWaiter = nil }
            return (s.readWaiter, s.writeWaiter)
        }
        r?.resume(returning: reason)
        w?.resume(returning: reason)
    }

    /// Ends the current and future waits between requests with `.draining` (waits inside a request go on).
    func drain() {
        let waiter: UnsafeContinuation<WaitResult, Never>? = state.withLock { s in
            s.draining = true
            guard s.readKind == .idle, let w = s.readWaiter else { return nil }
            s.readWaiter = nil
            return w
        }
        waiter?.resume(returning: .draining)
    }

    /// Whether ``drain()`` was called.
    var isDraining: Bool { state.withLock { $0.draining } }

    /// Whether a read might find bytes or end-of-stream without waiting; always `true` here (no readiness is kept).
    var mayHaveInput: Bool { true }

    /// Receives what is available into `buffer` (see ``InboundBuffer/receive(from:)``), unless the channel was shut.
    func receive(into buffer: InboundBuffer) -> InboundBuffer.ReceiveResult {
        if shut.load(ordering: .acquiring) { return .failed(EBADF) }
        return buffer.receive(from: fd)
    }

    /// Looks at the socket without consuming anything: `true` when the peer closed or reset the connection,
    /// `false` when bytes are waiting (e.g. a pipelined request), `nil` when nothing is readable yet.
    func peerHasClosed() -> Bool? {
        if shut.load(ordering: .acquiring) { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if n > 0 { return false }
        if n == 0 { return true }
        let e = errno
        return e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? nil : true
    }

    /// Ends all waits with `.closed`, cancels the sources and (from their cancel handlers) closes the descriptor.
    /// Call it only from the owner, after its last I/O; safe to call more than once.
    func close() {
        shut.store(true, ordering: .releasing)
        typealias Plan = (waiters: [UnsafeContinuation<WaitResult, Never>], resumeRead: Bool, write: (any DispatchSourceWrite)?, resumeWrite: Bool)
        let plan: Plan? = state.withLock { s in
            if s.closed { return nil }
            s.closed = true
            s.interruption = .closed
            let waiters = [s.readWaiter, s.writeWaiter].compactMap { $0 }
            s.readWaiter = nil
            s.writeWaiter = nil
            let plan: Plan = (waiters, s.readSuspended, writeSource, s.writeSuspended)
            s.readSuspended = false
            s.writeSuspended = false
            return plan
        }
        guard let plan else { return }
        for waiter in plan.waiters { waiter.resume(returning: .closed) }
        // A suspended source must be resumed before it is cancelled.
        if plan.resumeRead { readSource.resume() }
        readSource.cancel()
        if let write = plan.write {
            if plan.resumeWrite { write.resume() }
            write.cancel()
        }
    }
}
#endif
