#if os(Linux)
import CNeMoGymEpoll
import Glibc
import Synchronization

/// A connected non-blocking socket whose readiness is awaited through one process-wide epoll loop (Linux).
///
/// One task drives a channel: it calls ``receive(into:)`` / ``write(_:)`` and, when they would block,
/// awaits ``waitReadable(_:)`` / ``waitWritable()``. The descriptor is registered once, edge-triggered, for input
/// and output; the loop thread records each edge in the channel (`readReady` / `writeReady`) and resumes a waiting
/// task directly. No per-wait arming, no per-event `ioctl`: a wait that finds its edge already recorded returns at
/// once, and ``receive(into:)`` does not even call `recv` when no input edge came since its last call drained the
/// socket (so an idle or just-answered connection costs no `EAGAIN` round trip).
///
/// Other parties may ``interrupt(_:)`` or ``drain()`` the channel at any time; only the owning task calls
/// ``close()``, after its last use of the descriptor, because descriptor numbers are reused at once and a late
/// `send` on a reused number would reach another connection. After ``interrupt(_:)`` with `.closed`,
/// ``receive(into:)`` and ``write(_:)`` refuse to touch the socket.
final class SocketChannel: @unchecked Sendable {
    // Waiters are `UnsafeContinuation`s, each taken out of `state` under its lock before it is resumed (or resumed
    // at once without being stored), so each is resumed exactly once.
    private struct State {
        var readWaiter: UnsafeContinuation<WaitResult, Never>?
        var readKind: WaitKind = .busy
        var writeWaiter: UnsafeContinuation<WaitResult, Never>?
        /// An input edge (or hang-up, error) came since `receive` last found the socket drained.
        var readReady = true
        /// The peer closed or reset (an edge with `EPOLLRDHUP`, `EPOLLHUP` or `EPOLLERR`): a short read may have
        /// left the end-of-stream or the error unreported, and no further edge will come, so reads stay ready.
        var hungUp = false
        /// An output edge came since the last wait for writability.
        var writeReady = false
        var interruption: WaitResult?
        var draining = false
        var closed = false
    }

    /// The descriptor.
    let fd: Int32
    /// The loop the descriptor is registered with: the calling thread's when it is a loop thread (so a task
    /// running on a loop keeps its connections there), otherwise the next one in turn.
    let loop: EpollLoop
    /// The executor a task that drives this channel should prefer: its epoll loop, so the channel's events
    /// resume the task on the thread that saw them. (`nil` on other platforms.)
    var preferredExecutor: (any TaskExecutor)? { loop }
    /// Uptime nanoseconds after which a ``ChannelWatchdog`` interrupts waits with `.timedOut`; `0` = none.
    let deadline = Atomic<UInt64>(0)

    private let state = Mutex(State())
    /// Set by `interrupt(.closed)` and `close()`: no more I/O on the descriptor.
    let shut = Atomic<Bool>(false)  // internal: read by SocketChannel+Send.swift

    /// Wraps a connected, non-blocking descriptor; the channel owns it from now on.
    init(fd: Int32) {
        self.fd = fd
        loop = EpollLoop.forNewChannel()
        DescriptorBudget.opened()
        if !loop.register(self) {
            // Out of kernel memory for the registration: fail every wait, so the owner closes the connection.
            state.withLock { $0.interruption = .closed }
        }
    }

    /// Called on the loop thread for each batch of events on the descriptor.
    fileprivate func handle(_ events: UInt32) {
        let readable = events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let writable = events & (EPOLLOUT.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        let (r, w) = state.withLock { s -> (UnsafeContinuation<WaitResult, Never>?, UnsafeContinuation<WaitResult, Never>?) in
            if s.closed { return (nil, nil) }
            var r: UnsafeContinuation<WaitResult, Never>?, w: UnsafeContinuation<WaitResult, Never>?
            if events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { s.hungUp = true }
            if readable {
                s.readReady = true
                r = s.readWaiter
                s.readWaiter = nil
            }
            if writable {
                if let waiter = s.writeWaiter {
                    w = waiter
                    s.writeWaiter = nil
                } else {
                    s.writeReady = true
                }
            }
            return (r, w)
        }
        r?.resume(returning: .ready)
        w?.resume(returning: .ready)
    }

    /// Waits until the socket is readable (or the wait is ended for another reason).
    func waitReadable(_ kind: WaitKind) async -> WaitResult {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<WaitResult, Never>) in
                let immediate: WaitResult? = state.withLock { s in
                    if let i = s.interruption { return i }
                    if kind == .idle && s.draining { return .draining }
                    if Task.isCancelled { return .cancelled }
                    if s.readReady { return .ready }
                    s.readWaiter = continuation
                    s.readKind = kind
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
                    // An output edge recorded earlier may be stale (every input edge reports the socket writable
                    // too): the caller then meets EAGAIN once more and waits for a fresh edge.
                    if s.writeReady {
                        s.writeReady = false
                        return .ready
                    }
                    s.writeWaiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.wakeWaiters(with: .cancelled, sticky: false)
        }
    }

    /// Ends current and future waits with `reason` (`.timedOut` or `.closed`); after `.closed` the channel also
    /// refuses further I/O. The descriptor stays open until the owner calls ``close()``.
    func interrupt(_ reason: WaitResult) {
        if reason == .closed { shut.store(true, ordering: .releasing) }
        wakeWaiters(with: reason, sticky: true)
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

    /// Whether a read might find bytes or end-of-stream without waiting: an input edge came since the last
    /// ``receive(into:)`` drained the socket. `false` means nothing arrived (no system call needed to know).
    var mayHaveInput: Bool { state.withLock { $0.readReady } }

    /// Receives what is available into `buffer` (see ``InboundBuffer/receive(from:)``), unless the channel was shut.
    /// Returns `.wouldBlock` without a system call when no input edge came since the socket was last drained.
    func receive(into buffer: InboundBuffer) -> InboundBuffer.ReceiveResult {
        if shut.load(ordering: .acquiring) { return .failed(EBADF) }
        let ready = state.withLock { s in
            defer { if !s.hungUp { s.readReady = false } }
            return s.readReady
        }
        if !ready { return .wouldBlock }
        let result = buffer.receive(from: fd)
        switch result {
        case .received where !buffer.lastReceiveFilled, .wouldBlock:
            break
        case .received, .endOfStream, .failed:
            // More may be waiting, or the state is final: let the next call read again.
            state.withLock { $0.readReady = true }
        }
        return result
    }

    /// Ends all waits with `.closed`, removes the descriptor from the loop and closes it.
    /// Call it only from the owner, after its last I/O; safe to call more than once.
    func close() {
        shut.store(true, ordering: .releasing)
        let waiters: [UnsafeContinuation<WaitResult, Never>]? = state.withLock { s in
            if s.closed { return nil }
            s.closed = true
            s.interruption = .closed
            defer { s.readWaiter = nil; s.writeWaiter = nil }
            return [s.readWaiter, s.writeWaiter].compactMap { $0 }
        }
        guard let waiters else { return }
        for waiter in waiters { waiter.resume(returning: .closed) }
        loop.unregister(self)
        _ = Glibc.close(fd)
        DescriptorBudget.closed()
    }

    /// Forgets a `.timedOut` interruption (set a later ``deadline`` first), so the owner can still send an error
    /// response after a deadline passed.
    func clearTimeout() {
        state.withLock { s in if s.interruption == .timedOut { s.interruption = nil } }
    }

    /// Looks at the socket without consuming anything: `true` when the peer closed or reset the connection,
    /// `false` when bytes are waiting (e.g. a pipelined request), `nil` when nothing is readable yet (the input
    /// edge is then used up, so the next ``waitReadable(_:)`` waits for a fresh one instead of returning at once).
    func peerHasClosed() -> Bool? {
        if shut.load(ordering: .acquiring) { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if n > 0 { return false }
        if n == 0 { return true }
        let e = errno
        guard e == EAGAIN || e == EWOULDBLOCK || e == EINTR else { return true }
        if e != EINTR { state.withLock { s in if !s.hungUp { s.readReady = false } } }
        return nil
    }
}

/// One of the process's epoll loops: a thread waiting in `epoll_wait` for its ``SocketChannel``s, and a task
/// executor that ``AgentHTTPServer``'s connection tasks prefer by default (so their handlers run there too).
///
/// There is one loop per processor (`sysconf(_SC_NPROCESSORS_ONLN)`, at most 64), or as many as
/// `NEMO_GYM_SWIFT_EVENT_LOOPS` says (1 to 256, read once). A channel is registered with the loop of the thread
/// that creates it when that is a loop thread, otherwise with the next loop in turn: accepted connections are
/// spread over the loops, and the upstream connections a handler opens stay on its loop.
///
/// Jobs enqueued here run on the loop thread between `epoll_wait` calls; a task resumed by an event is run by
/// the same thread without waking a cooperative-pool worker (one thread hop and one `futex` fewer per wake-up,
/// and events batch while jobs run). The price is the cooperative pool's own rule, per loop: a handler that
/// blocks its thread (a semaphore, blocking file or process I/O, long CPU work) holds up the connections of its
/// loop; move such work off it (for example `Task.detached`, or
/// `withTaskExecutorPreference(globalConcurrentExecutor)`). Other threads wake the loop through its `eventfd`
/// only when it is asleep in `epoll_wait`.
///
/// A registration holds a reference to its channel (the event's `data.ptr`); after ``unregister(_:)`` the loop
/// thread drops it once the batch it may be handling is done, so an event already fetched never meets a freed
/// channel. An `eventfd` wakes the loop when there are references to drop.
final class EpollLoop: TaskExecutor, @unchecked Sendable {
    /// The environment variable that sets the number of loops.
    static let countVariable = "NEMO_GYM_SWIFT_EVENT_LOOPS"

    /// Every loop of the process, started on first use.
    static let all: [EpollLoop] = {
        let (count, warning) = loopCount(setting: getenv(countVariable).map { String(cString: $0) },
                                         processors: sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if let warning { FileOutput.standardError(warning) }
        return (0..<count).map { EpollLoop(index: $0) }
    }()

    /// How many loops to start for the `NEMO_GYM_SWIFT_EVENT_LOOPS` value `setting` (1 to 256; unset: one per
    /// processor, at most 64), and the warning line for a value that is not such a number.
    static func loopCount(setting: String?, processors: Int) -> (count: Int, warning: String?) {
        let perProcessor = min(64, max(1, processors))
        guard let setting else { return (perProcessor, nil) }
        if let n = Int(setting.trimmingSpaces()), (1...256).contains(n) { return (n, nil) }
        return (perProcessor, "warning: \(countVariable)='\(setting)' is not a number from 1 to 256; "
            + "using \(perProcessor) event loop\(perProcessor == 1 ? "" : "s") (one per processor)\n")
    }

    private static let nextLoop = Atomic<Int>(0)
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "cannot create the epoll loops' thread key")
        return key
    }()

    /// The loop whose thread is running the caller, if any.
    static var current: EpollLoop? {
        pthread_getspecific(currentKey).map { Unmanaged<EpollLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The loop a new channel registers with: the current thread's loop, else the next one in turn.
    static func forNewChannel() -> EpollLoop {
        if let current { return current }
        let loops = all
        if loops.count == 1 { return loops[0] }
        let i = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(UInt(bitPattern: i) % UInt(loops.count))]
    }

    /// The loop's position in ``all``.
    let index: Int

    private let epoll: Int32
    private let wakeup: Int32
    private let retired = Mutex<[Unmanaged<SocketChannel>]>([])
    private let jobs = Mutex<[UnownedJob]>([])
    private let sleeping = Atomic<Bool>(false)

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        if sleeping.load(ordering: .sequentiallyConsistent) { _ = eventfd_write(wakeup, 1) }
    }

    private init(index: Int) {
        self.index = index
        _ = Self.currentKey
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epoll >= 0 && wakeup >= 0, "cannot create the epoll loop: \(SocketOptions.describe(errno: errno))")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.ptr = nil
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<EpollLoop>.fromOpaque(argument!).takeUnretainedValue()
            loop.run()
        }, Unmanaged.passUnretained(self).toOpaque())
        precondition(started == 0, "cannot start the epoll loop thread")
        pthread_detach(thread)
    }

    /// Registers the descriptor for input and output edges; `false` if the kernel refused.
    func register(_ channel: SocketChannel) -> Bool {
        let reference = Unmanaged.passRetained(channel)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.ptr = reference.toOpaque()
        if epoll_ctl(epoll, EPOLL_CTL_ADD, channel.fd, &event) == 0 { return true }
        reference.release()
        return false
    }

    /// Removes the descriptor (before it is closed) and hands the registration's reference to the loop thread.
    func unregister(_ channel: SocketChannel) {
        guard epoll_ctl(epoll, EPOLL_CTL_DEL, channel.fd, nil) == 0 else { return }  // never registered
        let wasEmpty = retired.withLock { list in
            defer { list.append(Unmanaged.passUnretained(channel)) }
            return list.isEmpty
        }
        if wasEmpty { _ = eventfd_write(wakeup, 1) }
    }

    private func run() -> Never {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        var batch: [UnownedJob] = []
        while true {
            while true {
                jobs.withLock { swap(&$0, &batch) }
                if batch.isEmpty { break }
                for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
                batch.removeAll(keepingCapacity: true)
            }
            sleeping.store(true, ordering: .sequentiallyConsistent)
            let pending = jobs.withLock { !$0.isEmpty }
            let n = epoll_wait(epoll, events, Int32(capacity), pending ? 0 : -1)
            sleeping.store(false, ordering: .sequentiallyConsistent)
            if n < 0 { continue }  // EINTR
            for i in 0..<Int(n) {
                guard let pointer = events[i].data.ptr else {
                    var value: eventfd_t = 0
                    _ = eventfd_read(wakeup, &value)
                    continue
                }
                Unmanaged<SocketChannel>.fromOpaque(pointer).takeUnretainedValue().handle(events[i].events)
            }
            let done = retired.withLock { list in
                defer { list.removeAll(keepingCapacity: true) }
                return list
            }
            for reference in done { reference.release() }
        }
    }
}
#endif
