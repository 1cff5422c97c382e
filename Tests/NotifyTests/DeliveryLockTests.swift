import Foundation
import Testing
@testable import Notify

/// One delivering process per outbox: a second `DeliveryService` on the same database file refuses to start
/// (rather than sending every row a second time) until the first has stopped.
@Suite struct DeliveryLockTests {
    static let config = try! AlertmanagerConfig.parse("""
        route: {receiver: team}
        receivers: [{name: team, webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]}]
        """)

    @Test func aSecondServiceOnTheSameDatabaseCannotStartUntilTheFirstStops() async throws {
        let dir = try ScratchDirectory()
        let path = dir.file("n.db")
        let first = DeliveryService(config: Self.config, store: try DeliveryStore(path: path))
        let second = DeliveryService(config: Self.config, store: try DeliveryStore(path: path))
        try await first.start()
        await #expect(throws: DeliveryLockError.alreadyDelivering(path: path)) { try await second.start() }
        #expect("\(DeliveryLockError.alreadyDelivering(path: path))".hasPrefix("another Vigil process is delivering from \(path)"))
        #expect(FileManager.default.fileExists(atPath: path + ".lock"))
        // Another database is not affected.
        let elsewhere = DeliveryService(config: Self.config, store: try DeliveryStore(path: dir.file("other.db")))
        try await elsewhere.start()
        await elsewhere.stop()

        await first.stop()
        let third = DeliveryService(config: Self.config, store: try DeliveryStore(path: path))
        try await third.start()
        await third.stop()
    }
}
