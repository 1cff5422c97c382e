import Exposition
import Storage
import TimeSeries

/// Streams exposition files into an `SQLiteStore` through one `BulkImporter`, committing as it goes.
///
/// Every `commitEvery` parsed samples, the chunks completed so far are written in one transaction, so a crash
/// loses at most the samples after the last commit. Samples still in a series' open (not yet full) chunk wait
/// for later commits, unless more than `flushLimit` of them wait: then every open chunk is cut and committed,
/// which bounds memory when inputs interleave many series.
struct ExpositionImport {
    /// What `read` reports to its caller, with the samples parsed and committed so far.
    enum Event {
        /// About 64k more samples were parsed.
        case tick(parsed: Int, committed: Int)
        /// A commit just completed.
        case committed(parsed: Int, committed: Int)
    }

    let importer: BulkImporter
    let format: ExpositionFormat
    let commitEvery: Int
    let flushLimit: Int
    /// Samples handed to the importer (parsed, timestamped, not `_created`).
    private(set) var parsed = 0
    /// OpenMetrics `_created` lines skipped: creation timestamps, not samples.
    private(set) var createdSkipped = 0
    private var sinceCommit = 0
    /// Importer keys by labels, so a series that appears in several files is one series.
    private var keys: [Labels: Int] = [:]
    private var keyLabels: [Labels] = []

    init(store: SQLiteStore, format: ExpositionFormat, commitEvery: Int) {
        importer = BulkImporter(store: store)
        self.format = format
        self.commitEvery = commitEvery
        // ~16 bytes a buffered sample: 8M samples keep open chunks near 128 MiB whatever the input's shape.
        flushLimit = max(commitEvery, 8_000_000)
    }

    /// Distinct series read so far.
    var seriesRead: Int { keyLabels.count }
    /// The importer key of every series read so far, so a later job adds to the same series.
    var seriesKeys: [Labels: Int] { keys }
    /// Samples made durable by completed commits, once the write in progress (if any) has finished.
    var committed: Int { importer.settledSamples }
    /// Samples dropped because a series had two values at one timestamp (the later one is kept).
    var duplicates: Int { importer.duplicates }
    /// Series this import added to the database.
    var seriesCreated: Int { importer.seriesCreated }

    /// Parses one file (`-` for standard input) into the importer; throws the parser's `FILE:LINE:COL` errors,
    /// and `StorageError` when a commit fails.
    mutating func read(file path: String, _ report: (Event) -> Void) throws {
        let reader = ExpositionFileReader(path: path)
        var parser = reader.makeParser(format: format)
        let name = reader.displayName
        // The parser's dense series ids (per file) → importer keys (across files); -1 for not yet seen.
        var fileKeys: [Int] = []
        try reader.read(into: &parser) { sample in
            if sample.isCreatedTimestamp {
                createdSkipped += 1
                return
            }
            guard let t = sample.timestamp else {
                throw ExpositionError(file: name, line: sample.line, column: 0,
                                      message: "sample without a timestamp (vigil import needs one on every sample)")
            }
            let id = sample.series
            if id >= fileKeys.count { fileKeys += repeatElement(-1, count: id + 1 - fileKeys.count) }
            var key = fileKeys[id]
            if key < 0 {
                key = self.key(for: sample.labels)
                fileKeys[id] = key
            }
            importer.add(key: key, labels: keyLabels[key], t, sample.value)
            parsed += 1
            sinceCommit += 1
            if sinceCommit >= commitEvery {
                try commit()
                report(.committed(parsed: parsed, committed: importer.committedSamples))
            } else if parsed & 0xFFFF == 0 {
                report(.tick(parsed: parsed, committed: importer.committedSamples))
            }
        }
    }

    private mutating func key(for labels: Labels) -> Int {
        if let key = keys[labels] { return key }
        let key = keyLabels.count
        keys[labels] = key
        keyLabels.append(labels)
        return key
    }

    /// Commits the completed chunks; cuts and commits every open chunk too when too many samples wait in them.
    mutating func commit() throws(StorageError) {
        try importer.commit()
        sinceCommit = 0
        // After a commit nothing is ready, so what was not handed to the writer nor dropped is buffered.
        if parsed - importer.handedOffSamples - importer.duplicates > flushLimit { try importer.finish() }
    }

    /// Cuts every open chunk and commits: after this, every parsed sample is durable.
    mutating func finish() throws(StorageError) {
        try importer.finish()
        sinceCommit = 0
    }
}
