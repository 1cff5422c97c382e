import Foundation
import SQLite
import Testing
import TimeSeries
@testable import Notify

/// The notification log keeps only what reached the integration, as Alertmanager records a notification only
/// after a successful send: a rejected or abandoned notification takes its log entry with it, unless a newer
/// notification of the group has replaced that entry since.
@Suite struct UndeliveredNotificationLogTests {
    static let key = IntegrationKey(receiver: "team", kind: .webhook, index: 0)

    static func entry(_ store: DeliveryStore, _ flush: GroupFlush) throws -> NotificationLog.Entry? {
        try store.access { log, _ in try log.entry(key, groupKey: flush.key.description) }
    }

    @Test func aRejectedNotificationLeavesNoLogEntrySoTheNextFlushSendsIt() async throws {
        let sink = try SinkServer([.status(404)], then: .status(200))
        let dir = try ScratchDirectory()
        let config = try DeliveryRetryTests.config([("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy)
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake)
        try await service.start()
        let alert = DeliveryFixture.alert(["alertname": "A"])
        let flush = DeliveryFixture.flush("team", [alert])
        #expect(try pipeline.submit(flush) == [Self.key])
        #expect(await service.drain(timeout: .seconds(120)))
        #expect(try Self.entry(store, flush) == nil)

        // The same group a minute later, well within repeat_interval: notified again, and delivered this time.
        var again = flush
        again.at += 60_000
        #expect(try pipeline.submit(again) == [Self.key])
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(sink.requests.map(\.reply) == [.status(404), .status(200)])
        #expect(try Self.entry(store, again) == .init(firing: [alert.fingerprint], resolved: [], notifiedAt: again.at))
    }

    @Test func aNotificationGivenUpLeavesNoLogEntry() async throws {
        let sink = try SinkServer(then: .status(503))
        let dir = try ScratchDirectory()
        let config = try DeliveryRetryTests.config([("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        var policy = DeliveryFixture.fastPolicy
        policy.giveUpAge = .milliseconds(300)
        let service = DeliveryService(config: config, store: store, policy: policy)
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "", enqueued: service.wake)
        try await service.start()
        let flush = DeliveryFixture.flush("team", [DeliveryFixture.alert(["alertname": "A"])])
        try pipeline.submit(flush)
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(service.counters.counts(receiver: "team", integration: .webhook).dropped == 1)
        #expect(try Self.entry(store, flush) == nil)
        #expect(try pipeline.submit(flush) == [Self.key], "dedup no longer suppresses the group")
    }

    @Test func theRejectionOfAnOlderNotificationKeepsTheEntryOfANewerOne() async throws {
        let sink = try SinkServer([.status(400)], then: .status(200))
        let dir = try ScratchDirectory()
        let config = try DeliveryRetryTests.config([("team", sink)])
        let store = try DeliveryStore(path: dir.file("n.db"))
        let pipeline = NotificationPipeline(config: config, store: store, externalURL: "")
        // Both are enqueued before delivery starts: the second (a new alert joined) replaced the first's entry.
        let a = DeliveryFixture.alert(["alertname": "A", "instance": "1"])
        let b = DeliveryFixture.alert(["alertname": "A", "instance": "2"])
        // Recent flush times, so the pruning at start (by the wall clock) keeps the entry.
        let now = NotificationPipeline.wallClock()
        let first = DeliveryFixture.flush("team", [a], at: now - 60_000)
        let second = DeliveryFixture.flush("team", [a, b], at: now)
        try pipeline.submit(first)
        try pipeline.submit(second)
        let service = DeliveryService(config: config, store: store, policy: DeliveryFixture.fastPolicy)
        try await service.start()
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(sink.requests.map(\.reply) == [.status(400), .status(200)])
        #expect(try Self.entry(store, second) == .init(firing: [a.fingerprint, b.fingerprint], resolved: [], notifiedAt: second.at))
    }

    @Test func rowsDroppedAtStartForAnUnconfiguredIntegrationLeaveNoLogEntry() async throws {
        let sink = try SinkServer()
        let dir = try ScratchDirectory()
        let store = try DeliveryStore(path: dir.file("n.db"))
        let old = try DeliveryRetryTests.config([("gone", sink), ("team", sink)])
        let flush = DeliveryFixture.flush("gone", [DeliveryFixture.alert(["alertname": "A"])])
        try NotificationPipeline(config: old, store: store, externalURL: "").submit(flush)
        let gone = IntegrationKey(receiver: "gone", kind: .webhook, index: 0)
        #expect(try store.access { log, _ in try log.entry(gone, groupKey: flush.key.description) } != nil)
        let service = DeliveryService(config: try DeliveryRetryTests.config([("team", sink)]), store: store,
                                      policy: DeliveryFixture.fastPolicy)
        try await service.start()
        await service.stop()
        #expect(try store.pendingCount() == 0)
        #expect(try store.access { log, _ in try log.entry(gone, groupKey: flush.key.description) } == nil)
    }

    @Test func aVersion1DatabaseIsUpgradedAndItsRowsNeverTakeAnEntryBack() async throws {
        let dir = try ScratchDirectory()
        let path = dir.file("n.db")
        do {
            // A database as the first schema left it: a pending row without the entry's flush time.
            let db = try Database(path: path)
            try db.execute(try #require(DeliveryStore.migrations[1]))
            try db.execute("PRAGMA application_id = \(DeliveryStore.applicationID)")
            try db.setUserVersion(1)
            try db.execute("""
                INSERT INTO outbox (receiver, integration, idx, group_key, body, created_at, attempts, next_attempt_at)
                VALUES ('team', 'webhook', 0, 'g', x'7b7d', 1, 0, 1);
                INSERT INTO notification_log VALUES ('team', 'webhook', 0, 'g', 'a', '', \(NotificationPipeline.wallClock()));
                """)
            db.close()
        }
        let store = try DeliveryStore(path: path)
        #expect(try Database(path: path).userVersion() == DeliveryStore.schemaVersion)
        #expect(try store.pending().map(\.logNotifiedAt) == [nil])
        let sink = try SinkServer([.status(404)])
        let service = DeliveryService(config: try DeliveryRetryTests.config([("team", sink)]), store: store,
                                      policy: DeliveryFixture.fastPolicy)
        try await service.start()
        #expect(await service.drain(timeout: .seconds(120)))
        await service.stop()
        #expect(sink.requests.map(\.reply) == [.status(404)])
        // Which entry that row wrote is unknown, so the entry stays.
        #expect(try store.access { log, _ in try log.entry(Self.key, groupKey: "g") } != nil)
    }
}
