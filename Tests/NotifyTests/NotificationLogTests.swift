import Foundation
import SQLite
import Testing
@testable import Notify

/// The dedup rule (Alertmanager's `needsUpdate`) and the notification log's storage and schema.
@Suite struct NotificationLogTests {
    typealias Entry = NotificationLog.Entry
    static let hour: Int64 = 3_600_000

    static func reason(
        _ previous: Entry?, firing: Set<String>, resolved: Set<String> = [], sendResolved: Bool = true, now: Int64 = 1000
    ) -> DedupRule.Reason? {
        DedupRule.reason(previous: previous, firing: firing, resolved: resolved, sendResolved: sendResolved,
                         repeatInterval: hour, now: now)
    }

    @Test func neverNotifiedGroupNotifiesOnlyWhenSomethingFires() {
        #expect(Self.reason(nil, firing: ["a"]) == .firstNotification)
        #expect(Self.reason(nil, firing: [], resolved: ["a"]) == nil)
        #expect(Self.reason(nil, firing: [], resolved: []) == nil)
    }

    @Test func newFiringAlertNotifiesEvenWithinRepeatInterval() {
        let previous = Entry(firing: ["a"], resolved: [], notifiedAt: 900)
        #expect(Self.reason(previous, firing: ["a", "b"]) == .newFiringAlerts)
        // A subset of what was notified is not news.
        #expect(Self.reason(Entry(firing: ["a", "b"], resolved: [], notifiedAt: 900), firing: ["a"]) == nil)
        // After an all-resolved notification, firing again is a first notification.
        #expect(Self.reason(Entry(firing: [], resolved: ["a"], notifiedAt: 900), firing: ["a"]) == .firstNotification)
    }

    @Test func allResolvedNotifiesOnceRegardlessOfSendResolved() {
        let previous = Entry(firing: ["a"], resolved: [], notifiedAt: 900)
        #expect(Self.reason(previous, firing: [], resolved: ["a"], sendResolved: true) == .allResolved)
        // Without send_resolved the decision is the same; the pipeline then sends nothing and clears the entry.
        #expect(Self.reason(previous, firing: [], resolved: ["a"], sendResolved: false) == .allResolved)
        // Already notified as resolved: silence.
        #expect(Self.reason(Entry(firing: [], resolved: ["a"], notifiedAt: 900), firing: [], resolved: ["a"]) == nil)
        // Fired and resolved between two flushes, never notified: silence.
        #expect(Self.reason(Entry(firing: [], resolved: [], notifiedAt: 900), firing: [], resolved: ["b"]) == nil)
    }

    @Test func newlyResolvedAlertNotifiesOnlyWithSendResolved() {
        let previous = Entry(firing: ["a", "b"], resolved: [], notifiedAt: 900)
        #expect(Self.reason(previous, firing: ["a"], resolved: ["b"], sendResolved: true) == .newResolvedAlerts)
        #expect(Self.reason(previous, firing: ["a"], resolved: ["b"], sendResolved: false) == nil)
        let known = Entry(firing: ["a"], resolved: ["b"], notifiedAt: 900)
        #expect(Self.reason(known, firing: ["a"], resolved: ["b"], sendResolved: true) == nil)
    }

    @Test func unchangedFiringGroupRepeatsStrictlyAfterRepeatInterval() {
        let previous = Entry(firing: ["a"], resolved: [], notifiedAt: 1000)
        #expect(Self.reason(previous, firing: ["a"], now: 1000 + Self.hour - 1) == nil)
        #expect(Self.reason(previous, firing: ["a"], now: 1000 + Self.hour) == nil)
        #expect(Self.reason(previous, firing: ["a"], now: 1000 + Self.hour + 1) == .repeatIntervalElapsed)
    }

    @Test func entriesPersistPerIntegrationAndGroupAndPrune() throws {
        let dir = try ScratchDirectory()
        let key = IntegrationKey(receiver: "r", kind: .webhook, index: 0)
        let other = IntegrationKey(receiver: "r", kind: .webhook, index: 1)
        do {
            let store = try DeliveryStore(path: dir.file("n.db"))
            try store.transaction { log, _ in
                try log.record(Entry(firing: ["b", "a"], resolved: ["c"], notifiedAt: 5), for: key, groupKey: "g1")
                try log.record(Entry(firing: ["z"], resolved: [], notifiedAt: 50), for: key, groupKey: "g2")
                try log.record(Entry(firing: ["a"], resolved: [], notifiedAt: 7), for: key, groupKey: "g1")  // replaces
            }
        }
        let store = try DeliveryStore(path: dir.file("n.db"))
        let log = { (body: (NotificationLog) throws -> Entry?) in try store.access { log, _ in try body(log) } }
        #expect(try log { try $0.entry(key, groupKey: "g1") } == Entry(firing: ["a"], resolved: [], notifiedAt: 7))
        #expect(try log { try $0.entry(other, groupKey: "g1") } == nil)
        #expect(try store.access { log, _ in try log.prune(notifiedBefore: 10) } == 1)
        #expect(try log { try $0.entry(key, groupKey: "g1") } == nil)
        #expect(try log { try $0.entry(key, groupKey: "g2") } != nil)
        #expect(try log { try $0.remove(key, groupKey: "g2"); return try $0.entry(key, groupKey: "g2") } == nil)
    }

    @Test func theDeliveryServicePrunesOldEntriesAtStartAndPeriodically() async throws {
        let dir = try ScratchDirectory()
        let store = try DeliveryStore(path: dir.file("n.db"))
        let key = IntegrationKey(receiver: "team", kind: .webhook, index: 0)
        let now = NotificationPipeline.wallClock()
        let minute: Int64 = 60_000
        func record(_ group: String, at notifiedAt: Int64) throws {
            try store.access { log, _ in try log.record(Entry(firing: ["a"], resolved: [], notifiedAt: notifiedAt), for: key, groupKey: group) }
        }
        func has(_ group: String) throws -> Bool { try store.access { log, _ in try log.entry(key, groupKey: group) } != nil }
        try record("old", at: now - 20 * minute)
        try record("fresh", at: now)
        let config = try AlertmanagerConfig.parse("route: {receiver: team}\nreceivers: [{name: team}]")
        let service = DeliveryService(config: config, store: store, logRetention: .seconds(600),
                                      pruneInterval: .milliseconds(20))
        #expect(service.logRetention == .seconds(600))
        try await service.start()
        #expect(try !has("old"), "pruned at start")
        #expect(try has("fresh"))
        // Entries that age past the retention while the service runs go at the next round.
        try record("aged", at: now - 30 * minute)
        #expect(try await eventually { try !has("aged") })
        await service.stop()
        #expect(try has("fresh"))
    }

    @Test func retentionIsTheLargerOf120HoursAndTwiceTheLongestRepeatInterval() throws {
        let short = try AlertmanagerConfig.parse("route: {receiver: team, repeat_interval: 4h}\nreceivers: [{name: team}]")
        #expect(DeliveryService.logRetention(for: short) == .seconds(120 * 3600))
        let long = try AlertmanagerConfig.parse("""
            route:
              receiver: team
              routes: [{matchers: [x="y"], repeat_interval: 100h}]
            receivers: [{name: team}]
            """)
        #expect(DeliveryService.logRetention(for: long) == .seconds(200 * 3600))
    }

    @Test func newerSchemaIsRefusedWithAClearMessage() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("n.db")
        _ = try DeliveryStore(path: path)
        try Database(path: path).setUserVersion(DeliveryStore.schemaVersion + 1)
        #expect(throws: DeliveryStoreError.newerSchema(path: path, found: DeliveryStore.schemaVersion + 1,
                                                       supported: DeliveryStore.schemaVersion)) {
            try DeliveryStore(path: path)
        }
        let message = "\(DeliveryStoreError.newerSchema(path: path, found: 2, supported: 1))"
        #expect(message.contains("newer than this Vigil supports") && message.contains(path))
    }

    @Test func foreignDatabasesAreRefusedNotAltered() throws {
        let dir = try ScratchDirectory()
        let other = dir.file("other.db")
        try Database(path: other).execute("CREATE TABLE mine (x)")
        #expect(throws: DeliveryStoreError.notDeliveryDatabase(path: other, detail: "it holds 1 other tables")) {
            try DeliveryStore(path: other)
        }
        let text = try dir.write("text.db", String(repeating: "not sqlite ", count: 100))
        #expect(throws: DeliveryStoreError.notDeliveryDatabase(path: text, detail: "not an SQLite file")) {
            try DeliveryStore(path: text)
        }
        let tsdb = dir.file("tsdb.db")
        try Database(path: tsdb).execute("PRAGMA application_id = \(0x5649_474C)")
        #expect(throws: (any Error).self) { try DeliveryStore(path: tsdb) }
    }
}
