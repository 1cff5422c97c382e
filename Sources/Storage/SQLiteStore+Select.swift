import Dispatch
import Foundation
import SQLite
import Synchronization
import TimeSeries

extension SQLiteStore {
    /// Series matching every matcher, with their samples in `[mint, maxt]`, in label order.
    public func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> [SeriesSamples] {
        let set = try openSeriesSet(matchers, mint: mint, maxt: maxt)
        let n = set.labels.count
        var out = [SeriesSamples?](repeating: nil, count: n)
        // Contiguous blocks of whole statement batches, a few per thread so that uneven series even out.
        let threads = n >= 2 * Self.selectBatch ? min(options.queryThreads, n / Self.selectBatch) : 1
        let blocks = threads == 1 ? 1 : min(threads * 4, (n + Self.selectBatch - 1) / Self.selectBatch)
        let failure = FailureBox()
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            let work: @Sendable (Int) -> Void = { b in
                do throws(StorageError) {
                    try set.readSeries(n * b / blocks..<n * (b + 1) / blocks) { i, s in
                        if !s.timestamps.isEmpty { out[i] = s }
                    }
                } catch {
                    failure.record(error)
                }
            }
            if blocks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: blocks, execute: work) }
        }
        if let e = failure.first { throw e }
        return out.compactMap { $0 }
    }

    /// The matching series, to be read a block at a time (see `SeriesSet`).
    public func seriesSet(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> any SeriesSet {
        try openSeriesSet(matchers, mint: mint, maxt: maxt)
    }

    func openSeriesSet(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws(StorageError) -> SQLiteSeriesSet {
        let ids = try wrap { try readers.withReader { db in try candidates(db, matchers) } }
        let selected = index.withLock { idx in idx.sortedByLabels(ids) }
        return SQLiteSeriesSet(store: self, ids: selected.map(\.id), labels: selected.map(\.labels), mint: mint, maxt: maxt,
                               span: maxChunkSpan.load(ordering: .relaxed), withHead: headSeries.withLock { $0 })
    }

    /// Series ids satisfying the matchers, from the postings: equality is an index lookup, a regex scans one
    /// label's values; matchers that accept the empty string only ever remove series.
    func candidates(_ db: Database, _ matchers: [LabelMatcher]) throws -> [Int64] {
        var included: Set<Int64>?
        var excluded = Set<Int64>()
        for m in matchers {
            if m.type == .equal && !m.value.isEmpty {
                var ids = Set<Int64>()
                try db.cachedStatement("SELECT series_id FROM postings WHERE name = ? AND value = ?")
                    .rows(binding: [.text(m.name), .text(m.value)]) { ids.insert($0.int64(at: 0)) }
                included = included.map { $0.intersection(ids) } ?? ids
            } else if !m.matchesEmpty {
                var ids = Set<Int64>()
                try scanValues(db, m) { matched, id in if matched { ids.insert(id) } }
                included = included.map { $0.intersection(ids) } ?? ids
            } else {
                // Accepts "" (so series without the label): drop those whose value it rejects.
                try scanValues(db, m) { matched, id in if !matched { excluded.insert(id) } }
            }
            if included?.isEmpty == true { return [] }
        }
        let base = included ?? Set(index.withLock { Array($0.labels.keys) })
        return Array(base.subtracting(excluded))
    }

    /// Calls `body` for every posting of the matcher's label with whether its value matches.
    private func scanValues(_ db: Database, _ m: LabelMatcher, _ body: (Bool, Int64) -> Void) throws {
        var lastValue: String?
        var lastMatched = false
        try db.cachedStatement("SELECT value, series_id FROM postings WHERE name = ? ORDER BY value")
            .rows(binding: [.text(m.name)]) { row in
                let value = row.string(at: 0)
                if value != lastValue {
                    lastMatched = m.matches(value)
                    lastValue = value
                }
                body(lastMatched, row.int64(at: 1))
            }
    }

    /// Series whose chunks one statement reads (bound as an `IN` list, padded with an id that never exists).
    static let selectBatch = 64

    static let chunkBatchSQL = """
        SELECT series_id, min_t, crc, data FROM chunks
        WHERE series_id IN (\(Array(repeating: "?", count: selectBatch).joined(separator: ","))) AND min_t >= ? AND min_t <= ? AND max_t >= ?
        """
    static let headBatchSQL = """
        SELECT series_id, t, v FROM head
        WHERE series_id IN (\(Array(repeating: "?", count: selectBatch).joined(separator: ","))) AND t >= ? AND t <= ?
        """

    /// Copies the chunks overlapping `[mint, maxt]` of up to `selectBatch` series (compressed, so a few bytes a
    /// sample), and their head rows when they may have any, into `scratch`, slot by slot. One statement per batch
    /// rather than per series: the per-statement cost was most of an instant query's selection.
    func fetch(_ db: Database, _ ids: [Int64], mint: Timestamp, maxt: Timestamp, span: Int64, withHead: Set<Int64>,
               into scratch: inout DecodeScratch) throws {
        scratch.reset(slots: ids.count)
        var slot: [Int64: Int] = [:]
        slot.reserveCapacity(ids.count)
        for (k, id) in ids.enumerated() { slot[id] = k }
        var bound = ids.map(SQLValue.integer)
        bound += repeatElement(.integer(-1), count: Self.selectBatch - ids.count)
        let lowest = mint &- span
        try db.cachedStatement(Self.chunkBatchSQL)
            .rows(binding: bound + [.integer(lowest < mint ? lowest : Int64.min), .integer(maxt), .integer(mint)]) { row in
                // Only the columns decoding needs: each column read costs SQLite a few hundred instructions a
                // row. The write order (`seq`) is fetched only where chunks overlap; the sample count comes from
                // the blob's header, which its checksum covers (`vigil check db` compares it with the row's).
                let id = row.int64(at: 0)
                guard let k = slot[id] else { return }
                let minT = row.int64(at: 1)
                let crc = row.int64(at: 2)
                let offset = scratch.blobs.count
                var count = 0
                try row.withBlob(at: 3) { blob in
                    try ChunkChecksum.verify(blob, crc, path: path, series: id, minT: minT)
                    do throws(ChunkError) {
                        count = try ChunkDecoder.count(blob)
                    } catch {
                        throw StorageError.corrupt(path: path, detail: "chunk of series \(id) at \(minT): \(error)")
                    }
                    scratch.blobs.append(contentsOf: blob)
                }
                scratch.chunks[k].append(StoredChunk(minT: minT, count: count, bytes: offset..<scratch.blobs.count))
            }
        if ids.contains(where: withHead.contains) {
            try db.cachedStatement(Self.headBatchSQL).rows(binding: bound + [.integer(mint), .integer(maxt)]) { row in
                guard let k = slot[row.int64(at: 0)] else { return }
                scratch.head[k].append((row.int64(at: 1), Double(bitPattern: UInt64(bitPattern: row.int64(at: 2)))))
            }
        }
        // Readable bytes after the last blob, so unpacking loops may load whole words up to every blob's end.
        scratch.blobs.append(contentsOf: repeatElement(0, count: 8))
    }

    /// One fetched series' samples in `[mint, maxt]`, decoded straight into arrays of the right size. Where chunks
    /// overlap, the samples are merged by time and, on equal times, the newest write wins (head rows are newest).
    /// `writeOrder` gives the write sequence of the series' chunks by start time (read only where chunks overlap).
    func assemble(_ k: Int, id: Int64, mint: Timestamp, maxt: Timestamp, scratch: inout DecodeScratch,
                  writeOrder: (Int64) throws -> [Int64: Int64]) throws -> (timestamps: [Int64], values: [Double]) {
        // The statement does not promise an order: chunks by start time, head rows by time.
        if zip(scratch.chunks[k], scratch.chunks[k].dropFirst()).contains(where: { $0.minT > $1.minT }) {
            scratch.chunks[k].sort { $0.minT < $1.minT }
        }
        if zip(scratch.head[k], scratch.head[k].dropFirst()).contains(where: { $0.t > $1.t }) {
            scratch.head[k].sort { $0.t < $1.t }
        }
        let chunks = scratch.chunks[k]
        let head = scratch.head[k]
        var total = head.count
        var largest = 0
        for c in chunks {
            total += c.count
            largest = max(largest, c.count)
        }
        if total == 0 { return ([], []) }
        if scratch.mantissas.count < largest { scratch.mantissas = [Int64](repeating: 0, count: largest) }
        if scratch.chunkTimes.count < largest { scratch.chunkTimes = [Int64](repeating: 0, count: largest) }
        var overlap = false
        // Series scraped from one target share every timestamp, so a series whose timestamps equal the previous
        // series' shares that array: each chunk's timestamps are decoded into a small buffer and compared, and a
        // new array is only made at the first difference.
        // Chunks whose timestamps are an arithmetic progression (most) are compared as one: when the previous
        // series' chunk at the same place had the same progression, nothing is written or compared.
        let previous = scratch.previousTimestamps
        let previousRuns = scratch.previousRuns
        var runs: [ChunkTimestamps] = []
        runs.reserveCapacity(chunks.count)
        var own: [Int64]?
        var last = Int64.min
        var written = 0
        func take(_ times: UnsafeBufferPointer<Int64>) {
            guard let first = times.first else { return }
            if written > 0 && first <= last { overlap = true }
            if own == nil {
                let matches = written + times.count <= previous.count && previous.withUnsafeBufferPointer { p in
                    memcmp(p.baseAddress! + written, times.baseAddress!, times.count * 8) == 0
                }
                if !matches {
                    var fresh = [Int64]()
                    fresh.reserveCapacity(total)
                    fresh += previous[0..<written]
                    own = fresh
                }
            }
            own?.append(contentsOf: times)
            last = times[times.count - 1]
            written += times.count
        }
        let values = try [Double](unsafeUninitializedCapacity: total) { vs, vCount in
            try scratch.blobs.withUnsafeBytes { blobs in
                try scratch.mantissas.withUnsafeMutableBufferPointer { mantissas in
                    try scratch.chunkTimes.withUnsafeMutableBufferPointer { times in
                        for chunk in chunks {
                            let blob = UnsafeRawBufferPointer(rebasing: blobs[chunk.bytes])
                            let decoded: (kept: Int, progression: ChunkDecoder.TimestampProgression?)
                            do throws(ChunkError) {
                                decoded = try ChunkDecoder.decodeValues(
                                    blob, from: mint, through: maxt, timestampBase: chunk.minT,
                                    into: times.baseAddress!, vs.baseAddress! + written, mantissas: mantissas.baseAddress!,
                                    slack: blobs.count - chunk.bytes.upperBound)
                            } catch {
                                throw StorageError.corrupt(path: path, detail: "chunk of series \(id) at \(chunk.minT): \(error)")
                            }
                            let run = ChunkTimestamps(written: written, progression: decoded.progression)
                            defer { runs.append(run) }
                            guard let p = decoded.progression else {
                                take(UnsafeBufferPointer(rebasing: times[0..<decoded.kept]))
                                continue
                            }
                            if p.count == 0 { continue }
                            if own == nil && runs.count < previousRuns.count && previousRuns[runs.count] == run {
                                // The same times at the same place in the previous series' array.
                                if written > 0 && p.first <= last { overlap = true }
                                last = p.last
                                written += p.count
                                continue
                            }
                            var t = p.first
                            for i in 0..<p.count {
                                times[i] = t
                                t &+= p.step
                            }
                            take(UnsafeBufferPointer(rebasing: times[0..<p.count]))
                        }
                    }
                }
            }
            for (t, v) in head {
                vs[written] = v
                withUnsafePointer(to: t) { take(UnsafeBufferPointer(start: $0, count: 1)) }
            }
            vCount = written
        }
        if own == nil && written < previous.count { own = Array(previous[0..<written]) }
        let timestamps = own ?? previous
        scratch.previousTimestamps = timestamps
        scratch.previousRuns = runs
        if overlap {
            // Rare (imports of older data over newer): redo the decode per chunk to learn each sample's write order.
            let order = try writeOrder(id)
            var seqs: [Int64] = []
            seqs.reserveCapacity(timestamps.count)
            for chunk in chunks {
                let kept = try scratch.blobs.withUnsafeBytes { blobs in
                    try Self.keptCount(UnsafeRawBufferPointer(rebasing: blobs[chunk.bytes]), mint: mint, maxt: maxt,
                                       base: chunk.minT, mantissas: &scratch.mantissas, path: path, id: id)
                }
                seqs += repeatElement(order[chunk.minT] ?? 0, count: kept)
            }
            seqs += repeatElement(.max, count: timestamps.count - seqs.count)  // head rows are the newest writes
            var ts = timestamps
            var vs = values
            Self.merge(&ts, &vs, priority: seqs)
            return (ts, vs)
        }
        return (timestamps, values)
    }

    /// How many of a chunk's samples fall inside `[mint, maxt]`.
    private static func keptCount(_ blob: UnsafeRawBufferPointer, mint: Timestamp, maxt: Timestamp, base: Int64,
                                  mantissas: inout [Int64], path: String, id: Int64) throws -> Int {
        let n = try ChunkDecoder.count(blob)
        if mantissas.count < n { mantissas = [Int64](repeating: 0, count: n) }
        var ts = [Int64](repeating: 0, count: n)
        var vs = [Double](repeating: 0, count: n)
        return try ts.withUnsafeMutableBufferPointer { t in
            try vs.withUnsafeMutableBufferPointer { v in
                try mantissas.withUnsafeMutableBufferPointer { m in
                    try ChunkDecoder.decode(blob, from: mint, through: maxt, timestampBase: base, into: t.baseAddress!,
                                            v.baseAddress!, mantissas: m.baseAddress!)
                }
            }
        }
    }

    /// Sorts samples by time; on equal times the one with the highest priority (then the later one) wins.
    static func merge(_ ts: inout [Int64], _ vs: inout [Double], priority: [Int64]) {
        let order = ts.indices.sorted { a, b in
            if ts[a] != ts[b] { return ts[a] < ts[b] }
            return priority[a] != priority[b] ? priority[a] < priority[b] : a < b
        }
        var outT: [Int64] = []
        var outV: [Double] = []
        outT.reserveCapacity(ts.count)
        outV.reserveCapacity(vs.count)
        for i in order {
            if let last = outT.last, last == ts[i] {
                outV[outV.count - 1] = vs[i]
            } else {
                outT.append(ts[i])
                outV.append(vs[i])
            }
        }
        ts = outT
        vs = outV
    }

    /// `merge` where later samples win.
    static func mergeSorted(_ ts: inout [Int64], _ vs: inout [Double]) {
        merge(&ts, &vs, priority: [Int64](repeating: 0, count: ts.count))
    }
}

/// Buffers a reader reuses from batch to batch.
struct DecodeScratch {
    /// The current batch's chunk blobs, back to back.
    var blobs: [UInt8] = []
    /// Per series slot of the batch: its chunks and head rows.
    var chunks: [[StoredChunk]] = []
    var head: [[(t: Int64, v: Double)]] = []
    var mantissas: [Int64] = []
    /// One chunk's decoded timestamps, before they join (or are found equal to) a series' array.
    var chunkTimes: [Int64] = []
    /// The last assembled series' timestamps, which the next series shares when its own are the same.
    var previousTimestamps: [Int64] = []
    /// How each of that series' chunks filled `previousTimestamps`.
    var previousRuns: [ChunkTimestamps] = []

    /// Empties the buffers for a batch of `slots` series, keeping their capacity.
    mutating func reset(slots: Int) {
        blobs.removeAll(keepingCapacity: true)
        while chunks.count < slots { chunks.append([]) }
        while head.count < slots { head.append([]) }
        for k in 0..<slots {
            chunks[k].removeAll(keepingCapacity: true)
            head[k].removeAll(keepingCapacity: true)
        }
    }
}

/// Where a chunk's kept timestamps went in its series' array, and the progression they form (nil when they
/// do not form one).
struct ChunkTimestamps: Equatable {
    var written: Int
    var progression: ChunkDecoder.TimestampProgression?
}

/// A chunk row copied out of SQLite: where its blob sits in `DecodeScratch.blobs`.
struct StoredChunk {
    var minT: Int64
    var count: Int
    var bytes: Range<Int>
}

/// Collects the first error thrown on a worker thread.
final class FailureBox: Sendable {
    private let error = Mutex<StorageError?>(nil)
    func record(_ e: StorageError) { error.withLock { if $0 == nil { $0 = e } } }
    var first: StorageError? { error.withLock { $0 } }
}
