import Foundation
import Testing
import TimeSeries
@testable import Notify

/// Sink workers against a real HTTP server that fails, hangs, rejects and recovers: nothing lost, nothing
/// delivered twice, failures isolated per receiver, and the outbox carried over a restart.
@Suite struct DeliveryRetryTests {
    /// One receiver per sink, each a webhook with a short timeout.
    static func config(_ sinks: [(name: String, sink: SinkServer)], timeout: String = "300ms") throws -> AlertmanagerConfig {
        var yaml = "route: {receiver: \(sinks[0].name), group_by: [alertname]}\nreceivers:\n"
        for (name, sink) in sinks {
            yaml += "  - {name: \(name), webhook_configs: [{url: '\(sink.url("/\(name)"))', timeout: \(timeout)}]}\n"
        }
        return try DeliveryFixture.config(yaml)
    }

    static func flushes(_ receiver: String, count: Int) -> [GroupFlush] {
        (0..<count).map { DeliveryFixture.flush(receiver, [DeliveryFixture.alert(["alertname": "A\($0)"])]) }
    }

    /// The group keys of the notifications a sink answered with 2xx.
    /// A delivery service over `store` and the pipeline that enqueues for it.
    static func wired(
        _ config: AlertmanagerConfig, _ store: DeliveryStore, policy: DeliveryPolicy = DeliveryFixture.fastPolicy,
        events: @escaping @Sendable (DeliveryEvent) -> Void = { _ in }
    ) -> (DeliveryService, NotificationPipeline) {
        let service = DeliveryService(config: config, store: store, policy: policy, events: events)
        return (service, NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake))
    }

    static func deliveredGroups(_ sink: SinkServer) -> [String] {
        sink.delivered.compactMap { $0.json["groupKey"] as? String }
    }

    @Test func failingSinkRecoversAndEveryNotificationArrivesExactlyOnce() async throws {
        let sink = try SinkServer([.status(500), .status(429), .close, .hang], then: .status(200))
        let dir = try ScratchDirectory()
        let config = try Self.config([("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        let events = EventRecorder()
        let (service, pipeline) = Self.wired(config, store, events: events.record)
        try await service.start()
        for flush in Self.flushes("team", count: 3) { try pipeline.submit(flush) }
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()

        let groups = Self.deliveredGroups(sink)
        #expect(groups.sorted() == (0..<3).map { #"{}:{alertname="A\#($0)"}"# })
        // Oldest first: the first notification took the four failures, then all went in order.
        #expect(groups == (0..<3).map { #"{}:{alertname="A\#($0)"}"# })
        #expect(sink.requests.map(\.reply) == [.status(500), .status(429), .close, .hang, .status(200), .status(200), .status(200)])
        #expect(service.counters.counts(receiver: "team", integration: .webhook) == .init(sent: 3, failed: 0, retried: 4, dropped: 0))
        let reasons = events.events.compactMap { event -> String? in
            if case .retrying(_, let reason, _) = event.kind { return reason } else { return nil }
        }
        #expect(reasons.count == 4)
        guard reasons.count == 4 else { return }
        #expect(reasons[0] == "HTTP 500" && reasons[1] == "HTTP 429")
        #expect(reasons[2].hasPrefix("connection failed"))
        #expect(reasons[3].hasPrefix("no response within"))
        #expect(try store.pendingCount() == 0)
    }

    @Test func aHangingReceiverDoesNotDelayAnother() async throws {
        let stuck = try SinkServer(then: .hang)
        let healthy = try SinkServer()
        let dir = try ScratchDirectory()
        let config = try Self.config([("stuck", stuck), ("healthy", healthy)], timeout: "120s")
        let store = try DeliveryStore(path: dir.file("n.db"))
        let (service, pipeline) = Self.wired(config, store)
        try await service.start()
        // The stuck receiver's notification is enqueued first and is hanging before the healthy one is sent.
        try pipeline.submit(Self.flushes("stuck", count: 1)[0])
        #expect(await stuck.waitForRequests(1))
        try pipeline.submit(Self.flushes("healthy", count: 1)[0])
        #expect(await eventually {
            service.counters.counts(receiver: "healthy", integration: .webhook).sent == 1
        })
        // Ordering, not wall time (a loaded CI machine may be slow): the healthy receiver got its notification while
        // the stuck one's only request was still hanging (its timeout is two minutes).
        #expect(stuck.delivered.isEmpty && stuck.requests.count == 1)
        #expect(service.counters.counts(receiver: "stuck", integration: .webhook).sent == 0)
        #expect(service.counters.counts(receiver: "healthy", integration: .webhook).sent == 1)
        await service.stop()
        // Stopping cancels the hanging attempt and keeps its notification.
        #expect(try store.pending().map(\.key.receiver) == ["stuck"])
    }

    @Test func aClientErrorIsNotRetried() async throws {
        let sink = try SinkServer([.status(400)], then: .status(200))
        let dir = try ScratchDirectory()
        let config = try Self.config([("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        let events = EventRecorder()
        let (service, pipeline) = Self.wired(config, store, events: events.record)
        try await service.start()
        for flush in Self.flushes("team", count: 2) { try pipeline.submit(flush) }
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(sink.requests.map(\.reply) == [.status(400), .status(200)])
        #expect(Self.deliveredGroups(sink) == [#"{}:{alertname="A1"}"#])
        #expect(service.counters.counts(receiver: "team", integration: .webhook) == .init(sent: 1, failed: 1, retried: 0, dropped: 0))
        #expect(events.events.contains { $0.kind == .rejected(reason: "HTTP 400") && $0.groupKey == #"{}:{alertname="A0"}"# })
    }

    @Test func notificationsOlderThanTheGiveUpAgeAreDroppedAndCounted() async throws {
        let sink = try SinkServer(then: .status(503))
        let dir = try ScratchDirectory()
        let config = try Self.config([("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        let events = EventRecorder()
        var policy = DeliveryFixture.fastPolicy
        policy.giveUpAge = .milliseconds(1500)
        let (service, pipeline) = Self.wired(config, store, policy: policy, events: events.record)
        try await service.start()
        try pipeline.submit(Self.flushes("team", count: 1)[0])
        let start = ContinuousClock.now
        #expect(await service.drain(timeout: .seconds(120)))
        // Dropped at the give-up age (counted from enqueueing), not before and not much after.
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(1400))
        await service.stop()
        let counts = service.counters.counts(receiver: "team", integration: .webhook)
        #expect(counts.sent == 0 && counts.dropped == 1 && counts.failed == 0)
        #expect(counts.retried >= 1 && counts.retried == sink.requests.count, "\(events.events)")
        let dropped = try #require(events.events.last)
        #expect(dropped.isError)
        #expect("\(dropped)".contains("receiver team, webhook[0], group {}:{alertname=\"A0\"}: dropped"))
        #expect(!"\(dropped)".contains("127.0.0.1"))
    }

    @Test func aNewServiceDeliversWhatTheOldOneLeftInTheOutbox() async throws {
        let sink = try SinkServer(then: .hang)
        let dir = try ScratchDirectory()
        let config = try Self.config([("team", sink)], timeout: "10s")
        do {
            let store = try DeliveryStore(path: dir.file("n.db"))
            let (service, pipeline) = Self.wired(config, store)
            try await service.start()
            for flush in Self.flushes("team", count: 2) { try pipeline.submit(flush) }
            #expect(await sink.waitForRequests(1))
            await service.stop()
            store.close()
        }
        sink.reply([], then: .status(200))
        let store = try DeliveryStore(path: dir.file("n.db"))
        #expect(try store.pendingCount() == 2)
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy)
        // The same flushes again (as a restarted dispatcher would send them) enqueue nothing new.
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake)
        for flush in Self.flushes("team", count: 2) { #expect(try pipeline.submit(flush).isEmpty) }
        try await service.start()
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(Self.deliveredGroups(sink) == [#"{}:{alertname="A0"}"#, #"{}:{alertname="A1"}"#])
        #expect(service.counters.counts(receiver: "team", integration: .webhook).sent == 2)
    }

    @Test func rowsOfIntegrationsNoLongerConfiguredAreDroppedAtStart() async throws {
        let sink = try SinkServer()
        let dir = try ScratchDirectory()
        let old = try Self.config([("gone", sink), ("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        try NotificationPipeline(config: old, store: store, externalURL: "").submit(Self.flushes("gone", count: 1)[0])
        let events = EventRecorder()
        let service = DeliveryService(config: try Self.config([("team", sink)]), store: store,
                                      policy: DeliveryFixture.fastPolicy, events: events.record)
        try await service.start()
        #expect(try store.pendingCount() == 0)
        await service.stop()
        #expect(service.counters.counts(receiver: "gone", integration: .webhook).dropped == 1)
        #expect(events.events.map(\.kind) == [.dropped(reason: "the integration is no longer configured")])
        #expect(sink.requests.isEmpty)
    }

    @Test func backoffIsFullJitterUnderADoublingCap() {
        let policy = DeliveryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(1000))
        for attempt in 1...8 {
            let ceiling = min(1000, 100 << (attempt - 1))
            let samples = (0..<200).map { _ in DeliveryPolicy.milliseconds(policy.backoff(afterAttempt: attempt)) }
            #expect(samples.allSatisfy { $0 >= 0 && $0 <= Int64(ceiling) })
            // Jittered, not fixed: 200 draws over [0, ceiling] are not all alike.
            #expect(Set(samples).count > 10)
        }
    }
}
