import Foundation
import SQLite
import Synchronization
import TimeSeries

/// Settings of a store.
public struct StoreOptions: Sendable {
    /// Samples per chunk cut from the head or written by an import.
    public var chunkSamples = 480
    /// Drop data older than this (ms) when retention runs; nil keeps everything.
    public var retention: Int64?
    /// `FULL` makes each commit survive power loss; `NORMAL` (default) survives a process crash.
    public var durableCommits = false
    /// Readers used in parallel by one query.
    public var queryThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public init() {}
}

/// Vigil's time-series store in one SQLite file: a series index with label postings, compressed chunks and a
/// durable head. Implements `Queryable` for the engine.
public final class SQLiteStore: Queryable, @unchecked Sendable {
    public let path: String
    public let options: StoreOptions
    let writer: Mutex<WriterState>
    let readers: ConnectionPool
    /// Labels by series id, shared by readers and the writer.
    let index: Mutex<SeriesIndex>
    /// The widest chunk's time span, so readers can bound their chunk scans.
    let maxChunkSpan = Atomic<Int64>(0)
    /// Series that may have head rows; readers skip the head query for the others.
    let headSeries: Mutex<Set<Int64>>

    /// The page size of files this store creates (existing files keep theirs).
    static let pageSize = 8192

    /// Opens (creating when missing) the database at `path`, migrating its schema.
    public init(path: String, options: StoreOptions = StoreOptions()) throws(StorageError) {
        self.path = path
        self.options = options
        var span: Int64 = 0
        var withHead: Set<Int64> = []
        do {
            var open = Database.OpenOptions()
            open.synchronous = options.durableCommits ? .full : .normal
            // A chunk row must fit in its b-tree page: with 4 KiB pages SQLite moves anything over about 1,000
            // bytes of a row to an overflow page of its own, and on the benchmark workload 1.4 % of chunks
            // (up to 1.2 KB) took a mostly empty page each, 15 % of the file. 8 KiB pages fit rows up to 2 KB.
            open.pageSize = Self.pageSize
            let db = try Database(path: path, options: open)
            try Schema.migrate(db, path: path)
            try db.execute("PRAGMA cache_size = -65536; PRAGMA mmap_size = 4294967296")
            let loaded = try SeriesIndex.load(db, path: path)
            var state = try WriterState(db: db, path: path, options: options)
            try state.loadHeadState()
            span = state.maxChunkSpan
            withHead = Set(state.headCount.filter { $0.value > 0 }.keys)
            writer = Mutex(state)
            index = Mutex(loaded)
        } catch let e as StorageError {
            throw e
        } catch let e as SQLiteError {
            if e.resultCode ~= ResultCode.notADatabase { throw .notVigilDatabase(path: path, detail: "not an SQLite file") }
            throw .sqlite(path: path, e)
        } catch {
            throw .sqlite(path: path, SQLiteError(code: 1, message: "\(error)"))
        }
        readers = ConnectionPool(path: path)
        headSeries = Mutex(withHead)
        maxChunkSpan.store(span, ordering: .relaxed)
    }

    /// Closes every connection; the store must not be used afterwards.
    public func close() {
        readers.closeAll()
        writer.withLock { $0.db.close() }
    }

    deinit { close() }

    /// The newest sample time stored (head or chunks), or nil for an empty store.
    public var maxTimestamp: Timestamp? { writer.withLock { $0.last.values.map(\.t).max() } }

    /// Number of series in the index.
    public var seriesCount: Int { index.withLock { $0.labels.count } }

    /// Wraps SQLite errors with the path.
    func wrap<T>(_ body: () throws -> T) throws(StorageError) -> T {
        do {
            return try body()
        } catch let e as StorageError {
            throw e
        } catch let e as SQLiteError {
            throw .sqlite(path: path, e)
        } catch {
            throw .corrupt(path: path, detail: "\(error)")
        }
    }
}

/// The in-memory series index: labels by id and ids by fingerprint (collisions kept apart by labels).
struct SeriesIndex: Sendable {
    var labels: [Int64: Labels] = [:]
    var byFingerprint: [UInt64: [Int64]] = [:]
    /// Each series' position in label order as of the last ranking, so selections sort by an integer instead of
    /// comparing label sets (which was a third of an instant query's selection time).
    private var rank: [Int64: Int32] = [:]
    /// Series added since the last ranking.
    private var unranked = 0

    static func load(_ db: Database, path: String) throws -> SeriesIndex {
        var index = SeriesIndex()
        try db.prepare("SELECT id, labels FROM series").rows { row in
            let id = row.int64(at: 0)
            guard let labels = row.withBlob(at: 1, { LabelsCodec.decode($0) }) else {
                throw StorageError.corrupt(path: path, detail: "labels of series \(id) cannot be decoded")
            }
            index.insert(id, labels)
        }
        return index
    }

    func id(of labels: Labels, fingerprint: UInt64) -> Int64? {
        byFingerprint[fingerprint]?.first { self.labels[$0] == labels }
    }

    mutating func insert(_ id: Int64, _ l: Labels) {
        labels[id] = l
        byFingerprint[l.fingerprint, default: []].append(id)
        unranked += 1
    }

    mutating func remove(_ id: Int64) {
        guard let l = labels.removeValue(forKey: id) else { return }
        byFingerprint[l.fingerprint]?.removeAll { $0 == id }
        rank.removeValue(forKey: id)
    }

    /// The known series among `ids` with their labels, in label order (Prometheus's series order).
    ///
    /// Ranked series compare by rank, which agrees with label order because labels never change; a series
    /// added since the last ranking compares by labels. Ranking again once many are new keeps that rare.
    mutating func sortedByLabels(_ ids: [Int64]) -> [(id: Int64, labels: Labels)] {
        if unranked > max(1000, labels.count / 10) {
            let order = labels.sorted { $0.value.pairs.lexicographicallyPrecedes($1.value.pairs) }
            rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element.key, Int32($0.offset)) })
            unranked = 0
        }
        var items: [(id: Int64, labels: Labels, rank: Int32)] = ids.compactMap { id in
            labels[id].map { (id, $0, rank[id] ?? -1) }
        }
        items.sort { a, b in
            if a.rank >= 0 && b.rank >= 0 { return a.rank < b.rank }
            return a.labels.pairs.lexicographicallyPrecedes(b.labels.pairs)
        }
        return items.map { ($0.id, $0.labels) }
    }
}
