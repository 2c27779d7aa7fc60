import Synchronization
import Testing
@testable import NeMoGym

/// The list of client requests that wait for a descriptor near the limit: woken by events, never by polling.
@Suite(.timeLimit(.minutes(1)))
struct DescriptorWaitListTests {
    /// Records the order in which waiters finished.
    final class Finished: Sendable {
        let names = Mutex<[String]>([])
        func add(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    /// Starts a waiter named `name` and returns once it is registered.
    static func startWaiter(_ name: String, on list: DescriptorWaitList, pool: ObjectIdentifier? = nil,
                            finished: Finished, recheck: Duration = .seconds(3_600)) async -> Task<Void, Never> {
        let before = list.count
        let task = Task {
            await list.wait(pool: pool, recheck: recheck) { true }
            finished.add(name)
        }
        #expect(await GymServeProcess.poll(seconds: 10) { list.count == before + 1 })
        return task
    }

    @Test func aFreedDescriptorResumesTheOldestWaiterOnly() async {
        let list = DescriptorWaitList()
        let finished = Finished()
        let a = await Self.startWaiter("a", on: list, finished: finished)
        let b = await Self.startWaiter("b", on: list, finished: finished)
        let c = await Self.startWaiter("c", on: list, finished: finished)
        list.signal()
        await a.value
        #expect(finished.all == ["a"])
        #expect(list.count == 2)
        list.signal()
        await b.value
        list.signal()
        await c.value
        #expect(finished.all == ["a", "b", "c"])
        #expect(list.count == 0)
        list.signal()  // nobody waits: nothing happens
        #expect(list.count == 0)
    }

    @Test func anIdleConnectionResumesTheOldestWaiterOfItsPool() async {
        final class Pool: Sendable {}
        let (p1, p2) = (Pool(), Pool())
        let list = DescriptorWaitList()
        let finished = Finished()
        let a = await Self.startWaiter("a", on: list, pool: ObjectIdentifier(p1), finished: finished)
        let b = await Self.startWaiter("b", on: list, pool: ObjectIdentifier(p2), finished: finished)
        let c = await Self.startWaiter("c", on: list, pool: ObjectIdentifier(p2), finished: finished)
        list.signal(pool: ObjectIdentifier(p2))
        await b.value
        #expect(finished.all == ["b"])
        list.signal(pool: ObjectIdentifier(p2))
        await c.value
        list.signal(pool: ObjectIdentifier(p2))  // p2 has nobody left: a stays
        #expect(list.count == 1)
        list.signal()
        await a.value
        #expect(finished.all == ["b", "c", "a"])
        withExtendedLifetime((p1, p2)) {}
    }

    @Test func cancellingAWaiterResumesItAndLeavesTheOthers() async {
        let list = DescriptorWaitList()
        let finished = Finished()
        let a = await Self.startWaiter("a", on: list, finished: finished)
        let b = await Self.startWaiter("b", on: list, finished: finished)
        b.cancel()
        await b.value
        #expect(finished.all == ["b"])
        #expect(list.count == 1)
        list.signal()
        await a.value
        #expect(list.count == 0)
    }

    @Test func aWaiterCancelledBeforeItWaitsReturnsAtOnce() async {
        let list = DescriptorWaitList()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await list.wait(pool: nil, recheck: .seconds(3_600)) { true }
        }
        await task.value
        #expect(list.count == 0)
    }

    @Test func aDescriptorFreedBeforeTheRegistrationIsNotMissed() async {
        let list = DescriptorWaitList()
        // The caller's check said "blocked", but by the time the waiter is registered a descriptor is free.
        await list.wait(pool: nil, recheck: .seconds(3_600)) { false }
        #expect(list.count == 0)
    }

    @Test func aWaiterLooksAgainAfterItsRecheckInterval() async {
        let list = DescriptorWaitList()
        let finished = Finished()
        // Descriptors the library does not own can close without a signal: the waiter gives up waiting after
        // the interval and its caller checks the limit again.
        await list.wait(pool: nil, recheck: .milliseconds(1)) { true }
        finished.add("a")
        #expect(finished.all == ["a"])
        #expect(list.count == 0)
    }

    @Test func aThousandWaitersAreResumedInOrderWhateverLeavesInBetween() async {
        let list = DescriptorWaitList()
        let finished = Finished()
        var tasks: [Task<Void, Never>] = []
        for i in 0..<1_000 {
            tasks.append(Task {
                await list.wait(pool: nil, recheck: .seconds(3_600)) { true }
                finished.add(String(i))
            })
            #expect(await Self.soon { list.count == i + 1 - i / 3 })  // one at a time, so the order is known
            if i % 3 == 2 {  // every third leaves early
                tasks[i].cancel()
                await tasks[i].value
            }
        }
        #expect(list.count == 667)
        for i in 0..<1_000 where i % 3 != 2 {
            let before = finished.all.count
            list.signal()
            #expect(await Self.soon { finished.all.count == before + 1 })
            #expect(finished.all.last == String(i))
        }
        for task in tasks { await task.value }
        #expect(list.count == 0)
    }

    /// Whether `condition` holds within 10 s, checked after every yield (a millisecond's sleep every 100th).
    static func soon(_ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + .seconds(10)
        var n = 0
        while !condition() {
            if ContinuousClock.now > end { return false }
            n += 1
            if n % 100 == 0 { try? await Task.sleep(for: .milliseconds(1)) } else { await Task.yield() }
        }
        return true
    }
}
