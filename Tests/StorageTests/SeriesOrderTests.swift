import Foundation
import Storage
import Testing
import TimeSeries

/// Selections come back in label order whether series were ranked when the index was built or added since.
@Suite struct SeriesOrderTests {
    let dir = TempDir()

    @Test func rankedAndNewSeriesComeBackInLabelOrder() throws {
        let store = try SQLiteStore(path: dir.path("order.db"))
        defer { store.close() }
        // Enough series that the index ranks them, in an order unlike label order.
        var rng: UInt64 = 3
        func name() -> String {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return String(rng >> 40, radix: 36)
        }
        let first = (0..<1_500).map { _ in Labels(["__name__": "m", "k": name(), "z": name()]) }
        try store.append(first.map { ($0, 1_000, 1) })
        let matcher = try LabelMatcher(.equal, "__name__", "m")
        let all = try store.select([matcher], mint: 0, maxt: 10_000).map(\.labels)
        #expect(all == first.sorted { $0.pairs.lexicographicallyPrecedes($1.pairs) })
        // New series after the ranking, interleaving with the ranked ones.
        let later = (0..<40).map { _ in Labels(["__name__": "m", "k": name()]) }
        try store.append(later.map { ($0, 2_000, 2) })
        let mixed = try store.select([matcher], mint: 0, maxt: 10_000).map(\.labels)
        #expect(mixed.count == 1_540)
        #expect(mixed == (first + later).sorted { $0.pairs.lexicographicallyPrecedes($1.pairs) })
    }
}
