import SQLite
import TimeSeries

/// What the single writer connection knows: the head's per-series state and the widest chunk written,
/// so readers can bound chunk scans.
struct WriterState {
    let db: Database
    let path: String
    let options: StoreOptions
    /// Newest timestamp and value bits stored per series (head or chunks), for out-of-order checks.
    var last: [Int64: (t: Int64, bits: UInt64?)] = [:]
    /// Head rows per series.
    var headCount: [Int64: Int] = [:]
    /// The longest `max_t - min_t` of any chunk, persisted in `meta`.
    var maxChunkSpan: Int64 = 0
    /// The last chunk write's sequence number.
    var chunkSeq: Int64 = 0

    init(db: Database, path: String, options: StoreOptions) throws {
        self.db = db
        self.path = path
        self.options = options
    }

    mutating func loadHeadState() throws {
        try db.prepare("SELECT series_id, max(max_t) FROM chunks GROUP BY series_id").rows { row in
            last[row.int64(at: 0)] = (row.int64(at: 1), nil)  // the value would need a decode; equal times count as duplicates
        }
        try db.prepare("""
            SELECT h.series_id, h.t, h.v, c.n FROM head h
            JOIN (SELECT series_id, max(t) AS t, count(*) AS n FROM head GROUP BY series_id) c
              ON c.series_id = h.series_id AND c.t = h.t
            """).rows { row in
            let id = row.int64(at: 0)
            let t = row.int64(at: 1)
            if let prev = last[id], prev.t > t { return }
            last[id] = (t, UInt64(bitPattern: row.int64(at: 2)))
            headCount[id] = Int(row.int64(at: 3))
        }
        chunkSeq = try db.prepare("SELECT max(seq) FROM chunks").fetchOne { $0.int64(at: 0) } ?? 0
        maxChunkSpan = try db.prepare("SELECT value FROM meta WHERE key = 'max_chunk_span'")
            .fetchOne { Int64($0.string(at: 0)) ?? 0 } ?? 0
    }

    /// Inserts a new series and its postings; the caller adds it to the index after commit succeeds.
    mutating func insertSeries(_ labels: Labels) throws -> Int64 {
        let insert = try db.cachedStatement("INSERT INTO series (fingerprint, labels) VALUES (?, ?)")
        try insert.bind(Int64(bitPattern: labels.fingerprint), at: 1)
        try insert.bind(LabelsCodec.encode(labels), at: 2)
        _ = try insert.step()
        insert.reset()
        let id = db.lastInsertRowID
        let posting = try db.cachedStatement("INSERT INTO postings (name, value, series_id) VALUES (?, ?, ?)")
        for p in labels {
            try posting.execute(.text(p.name), .text(p.value), .integer(id))
        }
        return id
    }

    /// Writes one chunk; when a chunk of that series already starts at the same time, merges the two.
    mutating func writeChunk(_ id: Int64, _ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>) throws {
        try writeEncodedChunk(id, ts, vs, ChunkEncoder.encode(timestamps: ts, values: vs, timestampBase: ts.first ?? 0))
    }

    /// `writeChunk` with the blob already encoded from `ts`/`vs`.
    mutating func writeEncodedChunk(_ id: Int64, _ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>, _ blob: [UInt8]) throws {
        guard let minT = ts.first, let maxT = ts.last else { return }
        let insert = try db.cachedStatement(
            "INSERT INTO chunks (series_id, min_t, max_t, count, seq, crc, data) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        chunkSeq += 1
        try insert.bind(id, at: 1)
        try insert.bind(minT, at: 2)
        try insert.bind(maxT, at: 3)
        try insert.bind(ts.count, at: 4)
        try insert.bind(chunkSeq, at: 5)
        try insert.bind(ChunkChecksum.compute(blob), at: 6)
        try insert.bind(blob, at: 7)
        _ = try insert.step()
        insert.reset()
        if db.changes == 0 {
            try mergeChunk(id, minT: minT, ts, vs)
        } else {
            try noteChunkSpan(maxT - minT)
        }
        let prev = last[id]
        if prev == nil || prev!.t < maxT {
            last[id] = (maxT, vs[vs.count - 1].bitPattern)
        }
    }

    private mutating func mergeChunk(_ id: Int64, minT: Int64, _ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>) throws {
        var oldT: [Int64] = []
        var oldV: [Double] = []
        let read = try db.cachedStatement("SELECT crc, data FROM chunks WHERE series_id = ? AND min_t = ?")
        try read.bind(id, at: 1)
        try read.bind(minT, at: 2)
        if try read.step() {
            let crc = read.row.int64(at: 0)
            try read.row.withBlob(at: 1) { blob in
                try ChunkChecksum.verify(blob, crc, path: path, series: id, minT: minT)
                try ChunkDecoder.decode(blob, timestampBase: minT, appendingTo: &oldT, &oldV)
            }
        }
        read.reset()
        // The newer write wins on equal timestamps.
        var merged: [Int64: Double] = [:]
        for (t, v) in zip(oldT, oldV) { merged[t] = v }
        for (t, v) in zip(ts, vs) { merged[t] = v }
        let keys = merged.keys.sorted()
        let values = keys.map { merged[$0]! }
        let blob = ChunkEncoder.encode(timestamps: keys, values: values, timestampBase: minT)
        let update = try db.cachedStatement("UPDATE chunks SET max_t = ?, count = ?, seq = ?, crc = ?, data = ? WHERE series_id = ? AND min_t = ?")
        chunkSeq += 1
        try update.execute(.integer(keys.last!), .integer(Int64(keys.count)), .integer(chunkSeq),
                           .integer(ChunkChecksum.compute(blob)), .blob(blob), .integer(id), .integer(minT))
        try noteChunkSpan(keys.last! - minT)
    }

    private mutating func noteChunkSpan(_ span: Int64) throws {
        guard span > maxChunkSpan else { return }
        maxChunkSpan = span
        try db.cachedStatement("INSERT INTO meta (key, value) VALUES ('max_chunk_span', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .execute(.text(String(span)))
    }

    /// Moves a series' head rows into one chunk.
    mutating func cutHead(_ id: Int64) throws {
        var ts: [Int64] = []
        var vs: [Double] = []
        let read = try db.cachedStatement("SELECT t, v FROM head WHERE series_id = ? ORDER BY t")
        try read.bind(id, at: 1)
        while try read.step() {
            ts.append(read.row.int64(at: 0))
            vs.append(Double(bitPattern: UInt64(bitPattern: read.row.int64(at: 1))))
        }
        read.reset()
        guard !ts.isEmpty else { return }
        try ts.withUnsafeBufferPointer { t in try vs.withUnsafeBufferPointer { v in try writeChunk(id, t, v) } }
        try db.cachedStatement("DELETE FROM head WHERE series_id = ?").execute(.integer(id))
        headCount[id] = 0
    }
}
