import Foundation
import SQLite
import Storage
import Testing
import TimeSeries

/// `SQLiteStore.verify`: a sound file passes with the right counts; damage behind the store's back is found
/// and located.
@Suite struct VerifyTests {
    let dir = TempDir()

    /// Two series in 50-sample chunks plus head rows, closed.
    func makeStore(_ name: String) throws -> String {
        let path = dir.path(name)
        var options = StoreOptions()
        options.chunkSamples = 50
        let store = try SQLiteStore(path: path, options: options)
        try store.append((0..<120).map { (Labels(["__name__": "a"]), Int64($0) * 1000, Double($0)) })
        try store.append((0..<70).map { (Labels(["__name__": "b"]), Int64($0) * 1000, Double($0) / 4) })
        store.close()
        return path
    }

    @Test func aSoundDatabasePassesWithItsCounts() throws {
        let store = try SQLiteStore(path: try makeStore("ok.db"))
        defer { store.close() }
        for full in [false, true] {
            let report = try store.verify(full: full)
            #expect(report.problems == [])
            #expect(report.series == 2)
            #expect(report.chunks == 3, "a: two full chunks of 50; b: one")
            #expect(report.chunkSamples + report.headRows == 190)
            #expect(report.fullCheck == full)
        }
    }

    @Test func damageIsFoundAndLocated() throws {
        let path = try makeStore("bad.db")
        let db = try Database(path: path)
        // A flipped bit in one chunk, a row claiming the wrong count, and a chunk whose series is gone.
        let first = try #require(try db.prepare("SELECT series_id, min_t, data FROM chunks ORDER BY series_id, min_t LIMIT 1")
            .fetchOne { ($0.int64(at: 0), $0.int64(at: 1), $0.blob(at: 2)) })
        var blob = first.2
        blob[blob.count / 2] ^= 0x10
        try db.prepare("UPDATE chunks SET data = ? WHERE series_id = ? AND min_t = ?")
            .execute(.blob(blob), .integer(first.0), .integer(first.1))
        try db.prepare("UPDATE chunks SET count = count + 1 WHERE series_id = ? AND min_t = 50000").execute(.integer(first.0))
        try db.execute("INSERT INTO chunks SELECT 999, min_t, max_t, count, seq, crc, data FROM chunks WHERE series_id = \(first.0) AND min_t = 50000")
        db.close()

        let store = try SQLiteStore(path: path)
        defer { store.close() }
        let report = try store.verify()
        #expect(report.problems.contains("chunk of series \(first.0) at \(first.1): checksum mismatch"), "\(report.problems)")
        #expect(report.problems.contains("chunk of series \(first.0) at 50000: holds 50 samples, its row says 51"), "\(report.problems)")
        #expect(report.problems.contains("chunk of series 999 at 50000: no such series in the index"), "\(report.problems)")
        #expect(report.problems.count == 4, "the copied chunk also carries the wrong count: \(report.problems)")
    }
}
