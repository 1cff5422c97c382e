import SQLite
import TimeSeries

/// What `SQLiteStore.verify` found.
public struct VerifyReport: Sendable {
    /// Series in the index.
    public var series = 0
    /// Chunks read.
    public var chunks = 0
    /// Samples in chunks that decoded.
    public var chunkSamples = 0
    /// Rows in the durable head.
    public var headRows = 0
    /// Problems, each naming where it is; empty for a sound database.
    public var problems: [String] = []
    /// Whether SQLite's own check ran in full (`integrity_check`) rather than quick.
    public var fullCheck = false
}

extension SQLiteStore {
    /// Checks the file from the bottom up: SQLite's page structure (`quick_check`, or `integrity_check` when
    /// `full`), then every chunk (checksum, header, decoding, sample count and time bounds as its row states them,
    /// ascending timestamps) and every head row's series. Reads only, in one snapshot; stops listing problems after
    /// `maxProblems`. `progress` is called every 10,000 chunks with the count so far.
    public func verify(full: Bool = false, maxProblems: Int = 100, progress: (Int) -> Void = { _ in }) throws(StorageError) -> VerifyReport {
        var report = VerifyReport()
        report.fullCheck = full
        func problem(_ text: String) {
            if report.problems.count < maxProblems { report.problems.append(text) }
        }
        try wrap {
            try readers.withReader { db in
                try db.transaction(.deferred) { db in
                    try db.prepare(full ? "PRAGMA integrity_check" : "PRAGMA quick_check").rows { row in
                        let line = row.string(at: 0)
                        if line != "ok" { problem("sqlite: \(line)") }
                    }
                    var known = Set<Int64>()
                    try db.prepare("SELECT id FROM series").rows { row in known.insert(row.int64(at: 0)) }
                    report.series = known.count
                    var ts: [Int64] = []
                    var vs: [Double] = []
                    try db.prepare("SELECT series_id, min_t, max_t, count, crc, data FROM chunks ORDER BY series_id, min_t")
                        .rows { row in
                            let id = row.int64(at: 0)
                            let minT = row.int64(at: 1)
                            let maxT = row.int64(at: 2)
                            let count = Int(row.int64(at: 3))
                            let crc = row.int64(at: 4)
                            let at = "chunk of series \(id) at \(minT)"
                            report.chunks += 1
                            if report.chunks % 10_000 == 0 { progress(report.chunks) }
                            if !known.contains(id) { problem("\(at): no such series in the index") }
                            row.withBlob(at: 5) { blob in
                                if ChunkChecksum.recompute(blob, like: crc) != crc {
                                    problem("\(at): checksum mismatch")
                                    return
                                }
                                ts.removeAll(keepingCapacity: true)
                                vs.removeAll(keepingCapacity: true)
                                do {
                                    try ChunkDecoder.decode(blob, timestampBase: minT, appendingTo: &ts, &vs)
                                } catch {
                                    problem("\(at): \(error)")
                                    return
                                }
                                report.chunkSamples += ts.count
                                if ts.count != count { problem("\(at): holds \(ts.count) samples, its row says \(count)") }
                                if let first = ts.first, let last = ts.last, first != minT || last != maxT {
                                    problem("\(at): spans \(first)..\(last), its row says \(minT)..\(maxT)")
                                }
                                if zip(ts, ts.dropFirst()).contains(where: { $0 >= $1 }) {
                                    problem("\(at): timestamps not strictly ascending")
                                }
                            }
                        }
                    try db.prepare("SELECT series_id, count(*) FROM head GROUP BY series_id").rows { row in
                        report.headRows += Int(row.int64(at: 1))
                        if !known.contains(row.int64(at: 0)) {
                            problem("head rows of series \(row.int64(at: 0)): no such series in the index")
                        }
                    }
                }
            }
        }
        return report
    }
}
