import Dispatch
import Foundation
import Storage
import Synchronization
import Testing
import TimeSeries

/// `SQLiteStore.seriesSet`: series listed up front in label order, samples read a block at a time, from several
/// threads at once, agreeing with `select` (which leaves out series with no sample in the range).
@Suite struct SeriesSetTests {
    let dir = TempDir()

    /// 300 series: chunked and head samples, some series only outside the queried range.
    func store() throws -> SQLiteStore {
        var options = StoreOptions()
        options.chunkSamples = 20
        let store = try SQLiteStore(path: dir.path("set.db"), options: options)
        var rng = SplitMix(seed: 9)
        var batch: [(labels: Labels, t: Timestamp, v: Double)] = []
        for i in 0..<300 {
            let l = Labels(["__name__": "m", "i": String(format: "%03d", 299 - i), "k": String(i % 7)])
            let start: Int64 = i % 10 == 0 ? 500_000 : Int64(rng.next() % 50) * 1000
            let n = 10 + Int(rng.next() % 60)
            for j in 0..<n { batch.append((l, start + Int64(j) * 1000, Double(i * 1000 + j))) }
        }
        try store.append(batch)
        return store
    }

    @Test func blocksReadInAnyOrderAgreeWithSelect() throws {
        let store = try store()
        let matchers = [try LabelMatcher(.equal, "__name__", "m"), try LabelMatcher(.notEqual, "k", "3")]
        let (mint, maxt): (Int64, Int64) = (5_000, 60_000)
        let selected = try store.select(matchers, mint: mint, maxt: maxt)
        let set = try store.seriesSet(matchers, mint: mint, maxt: maxt)
        #expect(set.labels.count > selected.count, "series with no sample in the range are listed but empty")
        #expect(set.labels == set.labels.sorted { $0.pairs.lexicographicallyPrecedes($1.pairs) })
        let n = set.labels.count
        var got = [SeriesSamples?](repeating: nil, count: n)
        // Uneven blocks, read back to front.
        let cuts = [0, 1, 2, 65, 130, 131, n]
        for b in stride(from: cuts.count - 2, through: 0, by: -1) {
            var positions: [Int] = []
            try set.read(cuts[b]..<cuts[b + 1]) { i, s in
                positions.append(i)
                #expect(s.labels == set.labels[i])
                #expect(s.timestamps.allSatisfy { $0 >= mint && $0 <= maxt })
                got[i] = s
            }
            #expect(positions == Array(cuts[b]..<cuts[b + 1]))
        }
        let nonEmpty = got.compactMap { $0 }.filter { $0.count > 0 }
        #expect(nonEmpty.map(\.labels) == selected.map(\.labels))
        #expect(nonEmpty.map { Array($0.timestamps) } == selected.map { Array($0.timestamps) })
        #expect(nonEmpty.map { Array($0.values) } == selected.map { Array($0.values) })
    }

    @Test func concurrentReadersOfDisjointBlocksGetEverySeriesOnce() throws {
        let store = try store()
        let set = try store.seriesSet([try LabelMatcher(.equal, "__name__", "m")], mint: 0, maxt: .max)
        let n = set.labels.count
        #expect(n == 300)
        let counts = Mutex([Int](repeating: 0, count: n))
        let samples = Mutex([Int](repeating: -1, count: n))
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { b in
            do {
                try set.read(n * b / 8..<n * (b + 1) / 8) { i, s in
                    counts.withLock { $0[i] += 1 }
                    samples.withLock { $0[i] = s.count }
                }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(counts.withLock { $0 } == [Int](repeating: 1, count: n))
        let expected = try store.select([try LabelMatcher(.equal, "__name__", "m")], mint: 0, maxt: .max).map(\.count)
        #expect(samples.withLock { $0 } == expected)
    }
}
