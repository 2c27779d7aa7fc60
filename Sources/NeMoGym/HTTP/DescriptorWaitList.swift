import Dispatch
import Synchronization

/// Client requests waiting for a descriptor near the process's limit (``DescriptorBudget``), oldest first.
///
/// A waiter is resumed when one of the library's sockets closes (``signal()``: one waiter per socket), when its
/// connection pool gets an idle connection that it can reuse or close to make room (``signal(pool:)``), when its
/// task is cancelled, or after its recheck interval, since descriptors the library does not own may close
/// without telling it (the only timer, one per wait). With no waiter, a signal costs one atomic load.
final class DescriptorWaitList: Sendable {
    /// The process's list (descriptors are a process-wide resource).
    static let shared = DescriptorWaitList()

    private struct Slot {
        var id: UInt64
        var pool: ObjectIdentifier?
        /// `nil` once the waiter was resumed (the slot stays until the head passes it).
        var continuation: UnsafeContinuation<Void, Never>?
    }

    private struct State {
        /// Slots in registration order (so in `id` order); resumed ones are tombstones until compaction.
        var slots: [Slot] = []
        /// The first slot that may still hold a waiter.
        var head = 0
        var nextID: UInt64 = 0

        mutating func take(at i: Int) -> UnsafeContinuation<Void, Never>? {
            let continuation = slots[i].continuation
            slots[i].continuation = nil
            while head < slots.count, slots[head].continuation == nil { head += 1 }
            if head == slots.count {
                slots.removeAll(keepingCapacity: slots.count <= 4_096)
                head = 0
            } else if head >= 1_024, head * 2 >= slots.count {
                slots.removeFirst(head)
                head = 0
            }
            return continuation
        }

        /// The index of the live slot `id`, by binary search over the ordered ids.
        func index(of id: UInt64) -> Int? {
            var low = head, high = slots.count
            while low < high {
                let mid = (low + high) / 2
                if slots[mid].id < id { low = mid + 1 } else { high = mid }
            }
            guard low < slots.count, slots[low].id == id, slots[low].continuation != nil else { return nil }
            return low
        }
    }

    private let state = Mutex(State())
    private let waiters = Atomic<Int>(0)

    init() {}

    /// How many requests wait.
    var count: Int { waiters.load(ordering: .relaxed) }

    /// A descriptor was freed: resumes the oldest waiter.
    func signal() {
        guard waiters.load(ordering: .relaxed) > 0 else { return }
        resume { s in s.head < s.slots.count ? s.head : nil }
    }

    /// `pool` has an idle connection: resumes its oldest waiter.
    func signal(pool: ObjectIdentifier) {
        guard waiters.load(ordering: .relaxed) > 0 else { return }
        resume { s in s.slots[s.head...].firstIndex { $0.continuation != nil && $0.pool == pool } }
    }

    /// Waits until a signal, `recheck`, or the task's cancellation. `stillBlocked` is asked once the waiter is
    /// registered, so a descriptor freed between the caller's own check and the registration is not missed: when
    /// it returns false the wait ends at once.
    func wait(pool: ObjectIdentifier?, recheck: Duration, stillBlocked: () -> Bool) async {
        let box = WaiterID()
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let id = state.withLock { s -> UInt64 in
                    s.nextID += 1
                    s.slots.append(Slot(id: s.nextID, pool: pool, continuation: continuation))
                    waiters.add(1, ordering: .relaxed)
                    return s.nextID
                }
                box.id.store(id, ordering: .releasing)
                if Task.isCancelled || !stillBlocked() {
                    resume(id)
                    return
                }
                let nanoseconds = Int(max(1, min(recheck / .nanoseconds(1), 3.6e12)))
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { self.resume(id) }
            }
        } onCancel: {
            let id = box.id.load(ordering: .acquiring)
            if id != 0 { resume(id) }
        }
    }

    /// Resumes waiter `id` if it still waits.
    private func resume(_ id: UInt64) {
        resume { s in s.index(of: id) }
    }

    private func resume(_ pick: (inout State) -> Int?) {
        let continuation = state.withLock { s -> UnsafeContinuation<Void, Never>? in
            guard let i = pick(&s), let c = s.take(at: i) else { return nil }
            waiters.subtract(1, ordering: .relaxed)
            return c
        }
        continuation?.resume()
    }

    /// The waiter's id, for a cancellation handler that may run before the waiter is registered (then it finds
    /// 0 and the registration sees the cancellation itself).
    private final class WaiterID: Sendable {
        let id = Atomic<UInt64>(0)
    }
}
