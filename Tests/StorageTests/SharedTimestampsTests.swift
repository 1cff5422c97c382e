import Foundation
import Storage
import Testing
import TimeSeries

/// Series that share their timestamps share one array after selection; every other shape of timestamps (a
/// common prefix, fewer, more, head rows) still comes back exactly.
@Suite struct SharedTimestampsTests {
    let dir = TempDir()

    @Test func everySeriesKeepsItsOwnTimestampsWhateverItsNeighbourHas() throws {
        var options = StoreOptions()
        options.chunkSamples = 40
        options.queryThreads = 1  // every series follows its label-order neighbour in one worker
        let store = try SQLiteStore(path: dir.path("shared.db"), options: options)
        defer { store.close() }
        let regular = (0..<100).map { Int64($0) * 15_000 }
        let shapes: [(String, [Int64])] = [
            ("a", regular),
            ("b", regular),                                           // identical: shared
            ("c", Array(regular[0..<50]) + regular[50...].map { $0 + 1 }),  // differs halfway
            ("d", Array(regular[0..<30])),                            // a prefix only
            ("e", regular + [1_500_000, 1_515_000]),                  // longer
            ("f", regular.map { $0 + 7 }),                            // differs at once
            ("g", regular.map { $0 + 7 }),
            ("h", regular.enumerated().map { $0.offset == 45 ? $0.element + 3 : $0.element }),  // one late scrape
            ("i", regular),                                           // after a chunk that is no progression
            ("j", (0..<50).map { Int64($0) * 30_000 }),               // another step
            ("k", (0..<50).map { Int64($0) * 30_000 }),
        ]
        for (name, times) in shapes {
            try store.append(times.enumerated().map { (Labels(["__name__": "m", "s": name]), $1, Double($0)) })
        }
        let matcher = try LabelMatcher(.equal, "__name__", "m")
        for (mint, maxt) in [(Int64(0), Int64(2_000_000)), (300_000, 900_000), (1_000_000, 1_600_000)] {
            let got = try store.select([matcher], mint: mint, maxt: maxt)
            let expected = shapes.compactMap { name, times -> (String, [Int64]) in
                (name, times.filter { $0 >= mint && $0 <= maxt })
            }.filter { !$0.1.isEmpty }
            #expect(got.map { $0.labels["s"] ?? "?" } == expected.map(\.0))
            for (series, (name, times)) in zip(got, expected) {
                #expect(Array(series.timestamps) == times, "series \(name) in [\(mint), \(maxt)]")
                #expect(series.values.count == times.count)
            }
        }
    }
}
