import Foundation
import SQLite
import Storage
import Testing
import TimeSeries

/// A fresh directory per test, removed afterwards.
final class TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-storage-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite struct SQLiteStoreTests {
    let dir = TempDir()

    func labels(_ d: [String: String]) -> Labels { Labels(d) }

    @Test func appendedSamplesSurviveReopen() throws {
        let path = dir.path("a.db")
        let up = labels(["__name__": "up", "job": "api"])
        do {
            let store = try SQLiteStore(path: path)
            let r = try store.append((0..<500).map { (up, Int64($0) * 15_000, Double($0 % 2)) })
            #expect(r.appended == 500)
            #expect(r.rejectedTotal == 0)
            store.close()
        }
        let store = try SQLiteStore(path: path)
        let got = try store.select([try LabelMatcher(.equal, "__name__", "up")], mint: 0, maxt: Int64.max)
        #expect(got.count == 1)
        #expect(got.first?.count == 500)
        #expect(got.first?.values.last == 1)
        #expect(got.first?.labels == up)
    }

    @Test func headRejectsOutOfOrderAndConflictingDuplicates() throws {
        let store = try SQLiteStore(path: dir.path("b.db"))
        let s = labels(["__name__": "x"])
        _ = try store.append([(s, 1000, 1), (s, 2000, 2)])
        let r = try store.append([(s, 1500, 9), (s, 2000, 3), (s, 2000, 2), (s, 3000, 4)])
        #expect(r.appended == 1)
        #expect(r.rejected[.outOfOrder] == 1)
        #expect(r.rejected[.duplicateTimestamp] == 1)
        let got = try store.select([try LabelMatcher(.equal, "__name__", "x")], mint: 0, maxt: 10_000)
        #expect(Array(got[0].timestamps) == [1000, 2000, 3000])
        #expect(Array(got[0].values) == [1, 2, 4])
    }

    @Test func bitExactSpecialValuesThroughHeadAndChunks() throws {
        var options = StoreOptions()
        options.chunkSamples = 4
        let store = try SQLiteStore(path: dir.path("c.db"), options: options)
        let s = labels(["__name__": "special"])
        let values: [Double] = [StaleMarker.value, .nan, -0.0, .infinity, -.infinity, Double(bitPattern: 0x7ff8_dead_beef_0001), 1e-310]
        _ = try store.append(values.enumerated().map { (s, Int64($0.offset), $0.element) })
        let got = try store.select([try LabelMatcher(.equal, "__name__", "special")], mint: 0, maxt: 100)
        #expect(got[0].values.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func bulkImportOutOfOrderMergesWithExistingData() throws {
        var options = StoreOptions()
        options.chunkSamples = 10
        let store = try SQLiteStore(path: dir.path("d.db"), options: options)
        let s = labels(["__name__": "m", "i": "1"])
        let importer = BulkImporter(store: store)
        for t in stride(from: 99, through: 0, by: -1) { importer.add(key: 0, labels: s, Int64(t) * 1000, Double(t)) }
        // A later import overlapping the first, with new values for even seconds.
        try importer.finish()
        let again = BulkImporter(store: store)
        for t in stride(from: 0, to: 100, by: 2) { again.add(key: 7, labels: s, Int64(t) * 1000, Double(t) + 0.5) }
        try again.finish()
        #expect(importer.committedSamples == 100)
        let got = try store.select([try LabelMatcher(.equal, "i", "1")], mint: 10_000, maxt: 19_000)
        let expectedTimes: [Int64] = (10...19).map { Int64($0) * 1000 }
        let expectedValues: [Double] = (10...19).map { (t: Int) -> Double in t % 2 == 0 ? Double(t) + 0.5 : Double(t) }
        #expect(Array(got[0].timestamps) == expectedTimes)
        #expect(Array(got[0].values) == expectedValues)
    }

    @Test func selectionMatchesBruteForceOverRandomLabelSets() throws {
        var rng = SplitMix(seed: 42)
        let store = try SQLiteStore(path: dir.path("e.db"))
        let memory = MemoryStore()
        var batch: [(labels: Labels, t: Timestamp, v: Double)] = []
        for i in 0..<300 {
            var d = ["__name__": ["a", "b", "c"][Int(rng.next() % 3)]]
            for name in ["job", "env", "zone"] where rng.next() % 3 != 0 {
                d[name] = ["x", "y", "z", "xy", ""][Int(rng.next() % 5)]
            }
            d["id"] = String(i)
            let l = Labels(d)
            batch.append((l, 1000, Double(i)))
            memory.append(l, 1000, Double(i))
        }
        try store.append(batch)
        let values = ["x", "y", "", "z", "xy", "nope"]
        let regexes = ["x.*", "y|z", ".*", "", ".+", "x?"]
        for _ in 0..<200 {
            var matchers: [LabelMatcher] = []
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let name = ["__name__", "job", "env", "zone", "missing"][Int(rng.next() % 5)]
                switch rng.next() % 4 {
                case 0: matchers.append(try LabelMatcher(.equal, name, name == "__name__" ? ["a", "b", "c"][Int(rng.next() % 3)] : values[Int(rng.next() % 6)]))
                case 1: matchers.append(try LabelMatcher(.notEqual, name, values[Int(rng.next() % 6)]))
                case 2: matchers.append(try LabelMatcher(.regexMatch, name, regexes[Int(rng.next() % 6)]))
                default: matchers.append(try LabelMatcher(.regexNoMatch, name, regexes[Int(rng.next() % 6)]))
                }
            }
            let expected = try memory.select(matchers, mint: 0, maxt: 2000).map(\.labels)
            let got = try store.select(matchers, mint: 0, maxt: 2000).map(\.labels)
            #expect(got == expected, "\(matchers)")
        }
    }

    @Test func foreignAndGarbageFilesGiveClearErrors() throws {
        let garbage = dir.path("garbage.db")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: garbage))
        #expect { try SQLiteStore(path: garbage) } throws: { error in
            "\(error)".contains("not a Vigil database")
        }
        let other = dir.path("other.db")
        let db = try Database(path: other)
        try db.execute("CREATE TABLE t (x)")
        db.close()
        #expect { try SQLiteStore(path: other) } throws: { error in
            "\(error)".contains("not a Vigil database")
        }
    }

    @Test func aFlippedBitInAChunkIsReportedNotDecoded() throws {
        let path = dir.path("crc.db")
        var options = StoreOptions()
        options.chunkSamples = 50
        do {
            let store = try SQLiteStore(path: path, options: options)
            try store.append((0..<100).map { (labels(["__name__": "c"]), Int64($0) * 1000, Double($0)) })
            store.close()
        }
        // Flip one bit in the middle of the first chunk's blob, behind the store's back.
        let db = try Database(path: path)
        var blob = try db.prepare("SELECT data FROM chunks ORDER BY min_t LIMIT 1").fetchOne { $0.blob(at: 0) } ?? []
        #expect(blob.count > 4)
        blob[blob.count / 2] ^= 0x10
        try db.prepare("UPDATE chunks SET data = ? WHERE min_t = 0").execute(.blob(blob))
        db.close()
        let store = try SQLiteStore(path: path, options: options)
        #expect { try store.select([try LabelMatcher(.equal, "__name__", "c")], mint: 0, maxt: 200_000) } throws: { error in
            "\(error)".contains("fails its checksum")
        }
        // The intact chunk is still readable on its own.
        let later = try store.select([try LabelMatcher(.equal, "__name__", "c")], mint: 60_000, maxt: 200_000)
        #expect(later.first?.count == 40)
    }

    /// A database file cut short (a full disk, an interrupted copy) gives errors that name the file, or a check
    /// that reports the damage; it never crashes the process.
    @Test func aTruncatedFileGivesClearErrorsNotACrash() throws {
        let original = dir.path("whole.db")
        var options = StoreOptions()
        options.chunkSamples = 50
        do {
            let store = try SQLiteStore(path: original, options: options)
            for k in 0..<20 {
                let l = labels(["__name__": "t", "k": String(k)])
                try store.append((0..<400).map { (l, Int64($0) * 15_000, Double($0 * k)) })
            }
            store.close()  // checkpoints the WAL into the file
        }
        let whole = try Data(contentsOf: URL(fileURLWithPath: original))
        #expect(whole.count > 40_000)
        let matcher = try LabelMatcher(.equal, "__name__", "t")
        for length in [0, 100, 4096, 8192, whole.count / 2, whole.count - 8192] {
            let path = dir.path("cut-\(length).db")
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            var outcome = ""
            do {
                let store = try SQLiteStore(path: path, options: options)
                defer { store.close() }
                let report = try store.verify(full: true)
                _ = try store.select([matcher], mint: 0, maxt: .max)
                outcome = report.problems.isEmpty ? "sound" : "problems: \(report.problems.count)"
            } catch {
                outcome = "\(error)"
                #expect(outcome.contains(path), "the error names the file: \(outcome)")
            }
            // An empty file is a new, empty database; every cut through the data is noticed.
            if length > 0 { #expect(outcome != "sound", "cut at \(length) of \(whole.count) bytes") }
        }
    }

    @Test func retentionDeletesOldChunksAndEmptySeries() throws {
        var options = StoreOptions()
        options.chunkSamples = 10
        let store = try SQLiteStore(path: dir.path("f.db"), options: options)
        let old = labels(["__name__": "old"])
        let new = labels(["__name__": "new"])
        try store.append((0..<30).map { (old, Int64($0) * 1000, 1) } + (0..<30).map { (new, 100_000 + Int64($0) * 1000, 2) })
        let r = try store.deleteBefore(50_000)
        #expect(r.chunks == 3)
        #expect(r.series == 1)
        #expect(try store.labelValues("__name__") == ["new"])
        #expect(try store.select([try LabelMatcher(.regexMatch, "__name__", ".+")], mint: 0, maxt: .max).map(\.labels) == [new])
    }
}

/// A small deterministic generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
