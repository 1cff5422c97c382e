import Synchronization
import Testing
import TimeSeries
@testable import Notify

/// `DispatchService` driven by a `ManualNotifyClock`: flushes must arrive exactly at the virtual deadlines.
@Suite struct DispatcherServiceTests {
    static let config = try! AlertmanagerConfig.parse("""
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 10s
          group_interval: 1m
          routes:
            - matchers: [speed="fast"]
              group_wait: 1s
        receivers:
          - name: default
        """)

    /// Values appended from concurrent tasks, read back in order.
    final class Recorder<Value: Sendable>: Sendable {
        private let values = Mutex<[Value]>([])
        func append(_ more: [Value]) { values.withLock { $0 += more } }
        var all: [Value] { values.withLock { $0 } }
    }

    static func alert(_ name: String, _ extra: [String: String] = [:]) -> NotifyAlert {
        NotifyAlert(labels: Labels(extra.merging(["alertname": name]) { a, _ in a }), startsAt: 0, endsAt: 10_000_000)
    }

    /// Polls `condition` every millisecond for up to a minute of real time (virtual time does not move); generous
    /// because other tests may keep both cores busy.
    static func eventually(_ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return await condition()
    }

    @Test func deliversFlushesAtTheVirtualDeadlines() async {
        let clock = ManualNotifyClock(now: 0)
        let service = DispatchService(config: Self.config, clock: clock)
        let log = Recorder<GroupFlush>()
        let loop = Task { await service.run { log.append($0) } }
        defer { loop.cancel() }

        await service.receive([Self.alert("A")])
        #expect(await Self.eventually { clock.sleepingDeadlines == [10_000] })
        clock.advance(to: 9_999)
        try? await Task.sleep(for: .milliseconds(20))
        #expect(log.all.isEmpty)
        #expect(clock.sleepingDeadlines == [10_000])

        clock.advance(to: 10_000)
        #expect(await Self.eventually { log.all.count == 1 })
        #expect(log.all.map(\.at) == [10_000])
        #expect(await Self.eventually { clock.sleepingDeadlines == [70_000] })
        #expect(await service.nextDeadline == 70_000)

        clock.advance(by: 60_000)
        #expect(await Self.eventually { log.all.count == 2 })
        #expect(log.all.map(\.at) == [10_000, 70_000])
        #expect(log.all.map { $0.alerts.map(\.labels) } == [[Self.alert("A").labels], [Self.alert("A").labels]])
    }

    @Test func anEarlierDeadlineWakesTheSleepingLoop() async {
        let clock = ManualNotifyClock(now: 0)
        let service = DispatchService(config: Self.config, clock: clock)
        let log = Recorder<GroupFlush>()
        let loop = Task { await service.run { log.append($0) } }
        defer { loop.cancel() }

        // With no groups the loop waits for alerts without any deadline.
        try? await Task.sleep(for: .milliseconds(10))
        #expect(clock.sleepingDeadlines.isEmpty)
        await service.receive([Self.alert("Slow")])
        #expect(await Self.eventually { clock.sleepingDeadlines == [10_000] })

        clock.advance(to: 500)
        await service.receive([Self.alert("Fast", ["speed": "fast"])])
        #expect(await Self.eventually { clock.sleepingDeadlines == [1_500] })
        clock.advance(to: 1_500)
        #expect(await Self.eventually { log.all.count == 1 })
        #expect(log.all.first?.key.groupLabels.get("alertname") == "Fast")
        #expect(log.all.first?.at == 1_500)
        #expect(await Self.eventually { clock.sleepingDeadlines == [10_000] })

        clock.advance(to: 10_000)
        #expect(await Self.eventually { log.all.count == 2 })
        #expect(log.all.map(\.at) == [1_500, 10_000])
        #expect(await service.groups.map(\.nextFlush) == [61_500, 70_000])
    }

    struct StoreFailed: Error, Equatable {}

    @Test func aFlushWhoseHandlerThrowsKeepsTheResolvedAlertForTheNextTick() async {
        let clock = ManualNotifyClock(now: 0)
        let service = DispatchService(config: Self.config, clock: clock)
        let log = Recorder<GroupFlush>()
        let errors = Recorder<String>()
        let calls = Mutex(0)
        let loop = Task {
            await service.run(onError: { errors.append(["\($0)"]) }) { flushes in
                let call = calls.withLock { c -> Int in
                    c += 1
                    return c
                }
                log.append(flushes)
                // The second flush (the one carrying the resolved alert) cannot be stored.
                if call == 2 { throw StoreFailed() }
            }
        }
        defer { loop.cancel() }

        // Fires until 30 s, so it is resolved at the 70 s tick.
        await service.receive([NotifyAlert(labels: Labels(["alertname": "A"]), startsAt: 0, endsAt: 30_000)])
        #expect(await Self.eventually { clock.sleepingDeadlines == [10_000] })
        clock.advance(to: 10_000)
        #expect(await Self.eventually { log.all.count == 1 })
        #expect(await Self.eventually { clock.sleepingDeadlines == [70_000] })

        clock.advance(to: 70_000)
        #expect(await Self.eventually { log.all.count == 2 })
        #expect(log.all.last?.alerts.map(\.status) == [.resolved])
        #expect(await Self.eventually { errors.all.count == 1 })
        // Not acknowledged: the alert and its group stay, and the next tick carries it again.
        #expect(await Self.eventually { clock.sleepingDeadlines == [130_000] })
        #expect(await service.groups.map(\.fingerprints.count) == [1])

        clock.advance(to: 130_000)
        #expect(await Self.eventually { log.all.count == 3 })
        #expect(log.all.last?.alerts.map(\.status) == [.resolved])
        #expect(log.all.last?.alerts.map(\.labels) == [Labels(["alertname": "A"])])
        // Stored this time: the group is gone and the loop waits for alerts with no deadline.
        #expect(await Self.eventually { await service.groups.isEmpty })
        #expect(await service.nextDeadline == nil)
        #expect(errors.all.count == 1)
    }

    @Test func cancellationEndsTheLoop() async {
        let clock = ManualNotifyClock(now: 0)
        let service = DispatchService(config: Self.config, clock: clock)
        let finished = Recorder<Bool>()
        let loop = Task {
            await service.run { _ in }
            finished.append([true])
        }
        await service.receive([Self.alert("A")])
        #expect(await Self.eventually { clock.sleepingDeadlines == [10_000] })
        loop.cancel()
        #expect(await Self.eventually { finished.all == [true] })
        // The loop's timer went away with it.
        #expect(await Self.eventually { clock.sleepingDeadlines.isEmpty })
    }

    @Test func manualClockWakesOnlyDueSleepers() async throws {
        let clock = ManualNotifyClock(now: 100)
        let woke = Recorder<Timestamp>()
        let early = Task { try await clock.sleep(until: 200); woke.append([200]) }
        let late = Task { try await clock.sleep(until: 300); woke.append([300]) }
        #expect(await Self.eventually { clock.sleepingDeadlines == [200, 300] })
        clock.advance(by: 150)
        try await early.value
        #expect(woke.all == [200])
        #expect(clock.sleepingDeadlines == [300])
        late.cancel()
        await #expect(throws: CancellationError.self) { try await late.value }
        // A deadline already passed returns at once.
        try await clock.sleep(until: 250)
        #expect(clock.now() == 250)
    }

    @Test func systemClockSleepsUntilTheWallClockDeadline() async throws {
        let clock = SystemNotifyClock()
        let deadline = clock.now() + 5
        try await clock.sleep(until: deadline)
        #expect(clock.now() >= deadline)
    }
}
