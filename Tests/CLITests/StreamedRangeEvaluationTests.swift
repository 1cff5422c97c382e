import Engine
import Foundation
import Storage
import Testing
import TimeSeries

/// Range functions over an SQLite store read their series a block at a time on several threads (the store's
/// `SeriesSet`); the answers must be those of the in-memory store, which hands over whole arrays.
@Suite struct StreamedRangeEvaluationTests {
    /// 300 counters and gauges over 6h40m at 30 s (some with resets, gaps and stale markers), in both stores.
    static func stores(_ dir: TemporaryDirectory) throws -> (SQLiteStore, MemoryStore) {
        var options = StoreOptions()
        options.chunkSamples = 120
        let sqlite = try SQLiteStore(path: dir.path + "/streamed.db", options: options)
        let memory = MemoryStore()
        // Straight into chunks, as `vigil import` writes them (the head path is slow in debug builds).
        let importer = BulkImporter(store: sqlite)
        var rng: UInt64 = 12345
        func next() -> UInt64 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return rng >> 33
        }
        for i in 0..<300 {
            let name = i % 2 == 0 ? "requests_total" : "queue_depth"
            let l = Labels(["__name__": name, "pod": "p\(i)", "zone": "z\(i % 5)"])
            var counter = Double(next() % 1000)
            var ts: [Timestamp] = []
            var vs: [Double] = []
            for j in 0..<800 where !(i % 7 == 0 && j > 300 && j < 360) {
                counter += Double(next() % 20)
                if i % 11 == 0 && j == 500 { counter = 3 }
                var v = name == "queue_depth" ? Double(next() % 100) : counter
                if i % 13 == 0 && j == 600 { v = StaleMarker.value }
                let t = Int64(j) * 30_000 + Int64(i % 3) * 1000
                importer.add(key: i, labels: l, t, v)
                ts.append(t)
                vs.append(v)
            }
            memory.append(l, timestamps: ts, values: vs)
        }
        try importer.finish()
        return (sqlite, memory)
    }

    @Test func rangeFunctionsAgreeWithTheInMemoryStore() throws {
        let dir = try TemporaryDirectory()
        let (sqlite, memory) = try Self.stores(dir)
        defer { sqlite.close() }
        let engine = Engine()
        // The queries over all 300 series (801 steps) pass the size at which range functions run in parallel blocks.
        let queries = [
            "rate({__name__=~\"requests_total|queue_depth\"}[5m])",
            "last_over_time({zone!=\"\"}[1m])",
            "sum by (zone) (max_over_time({pod=~\"p.*\"}[7m]))",
            "rate(requests_total[5m])",
            "sum by (zone) (increase(requests_total[10m]))",
            "max_over_time(queue_depth[3m])",
            "quantile_over_time(0.9, queue_depth[15m])",
            "count_over_time({zone=~\"z[12]\"}[2m])",
            "absent_over_time(queue_depth{pod=\"p1\"}[1m])",
            "rate(queue_depth[5m])",
        ]
        for q in queries {
            let m = try engine.rangeQuery(q, start: 0, end: 24_000_000, step: 30_000, on: memory)
            let s = try engine.rangeQuery(q, start: 0, end: 24_000_000, step: 30_000, on: sqlite)
            guard case .matrix(let mm) = m.value, case .matrix(let sm) = s.value else {
                Issue.record("\(q): not a matrix")
                continue
            }
            #expect(!mm.isEmpty, "\(q) selects something")
            #expect(mm.map(\.metric) == sm.map(\.metric), "\(q)")
            for (a, b) in zip(mm, sm) {
                #expect(a.points.map(\.t) == b.points.map(\.t), "\(q) \(a.metric)")
                #expect(a.points.map { $0.v.bitPattern } == b.points.map { $0.v.bitPattern }, "\(q) \(a.metric)")
            }
            #expect(m.samplesScanned == s.samplesScanned, "\(q)")
            // Both stores share the engine's block-parallel path, so check it against instant queries, which
            // evaluate every series in one block on one thread.
            for t: Timestamp in [0, 4_530_000, 12_000_000, 18_090_000, 24_000_000] {
                let instant = try engine.instantQuery(q, at: t, on: sqlite)
                guard case .vector(let v) = instant.value else {
                    Issue.record("\(q) at \(t): not a vector")
                    continue
                }
                var fromRange: [Labels: UInt64] = [:]
                for series in sm {
                    if let p = series.points.first(where: { $0.t == t }) { fromRange[series.metric] = p.v.bitPattern }
                }
                let fromInstant = Dictionary(uniqueKeysWithValues: v.map { ($0.metric, $0.v.bitPattern) })
                #expect(fromInstant == fromRange, "\(q) at \(t)")
            }
            #expect(m.annotations.map(\.message) == s.annotations.map(\.message), "\(q)")
        }
    }
}
