import SQLite
import TimeSeries

/// Series a selection matched in an `SQLiteStore`, decoded when read: each `read` takes a reader connection
/// and one snapshot, fetches the chunks of `SQLiteStore.selectBatch` series per statement, and decodes each
/// series straight into arrays of its size just before handing it on.
struct SQLiteSeriesSet: SeriesSet {
    let store: SQLiteStore
    let ids: [Int64]
    let labels: [Labels]
    let mint: Timestamp
    let maxt: Timestamp
    /// The widest chunk's span when the selection was made, bounding the chunk scan.
    let span: Int64
    /// Series that may have head rows (the others skip the head query).
    let withHead: Set<Int64>

    func read(_ positions: Range<Int>, _ body: (Int, SeriesSamples) -> Void) throws {
        try readSeries(positions, body)
    }

    /// `read` with its error type.
    func readSeries(_ positions: Range<Int>, _ body: (Int, SeriesSamples) -> Void) throws(StorageError) {
        if positions.isEmpty { return }
        try store.wrap { try store.readers.withReader { db in
            try db.transaction(.deferred) { db in
                // Decode buffers are reused from batch to batch.
                var scratch = DecodeScratch()
                var start = positions.lowerBound
                while start < positions.upperBound {
                    let batch = start..<min(start + SQLiteStore.selectBatch, positions.upperBound)
                    let batchIDs = Array(ids[batch])
                    try store.fetch(db, batchIDs, mint: mint, maxt: maxt, span: span, withHead: withHead, into: &scratch)
                    for (slot, i) in batch.enumerated() {
                        let (ts, vs) = try store.assemble(slot, id: batchIDs[slot], mint: mint, maxt: maxt,
                                                          scratch: &scratch) { id in
                            var order: [Int64: Int64] = [:]
                            try db.cachedStatement("SELECT min_t, seq FROM chunks WHERE series_id = ?")
                                .rows(binding: [.integer(id)]) { order[$0.int64(at: 0)] = $0.int64(at: 1) }
                            return order
                        }
                        body(i, SeriesSamples(labels: labels[i], timestamps: ts[...], values: vs[...]))
                    }
                    start = batch.upperBound
                }
            }
        } }
    }
}
