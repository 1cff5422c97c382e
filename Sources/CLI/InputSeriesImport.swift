import Foundation
import PromQL
import Rules
import Storage
import TimeSeries

/// A promtool unit-test file that cannot be imported, as `FILE: message`.
struct InputSeriesImportError: Error, CustomStringConvertible {
    var description: String
}

/// Imports the `input_series` of promtool unit-test files (`vigil test rules` YAML) into the importer an
/// `ExpositionImport` writes with, so commits, progress and the summary work as for exposition files.
///
/// Value i of a series lands at `start_timestamp + i * interval`; `_` adds nothing, `stale` adds the staleness
/// marker. This job's series keys start after the exposition job's, so it must run after that job has read all
/// its files (its keys would otherwise collide in the shared `BulkImporter`).
struct InputSeriesImport {
    let importer: BulkImporter
    let commitEvery: Int
    let flushLimit: Int
    /// Only the test group with this name, or every group when nil.
    let testGroup: String?
    /// Samples parsed by the exposition job before this one started (for the flush bound).
    let parsedBefore: Int
    private let keyBase: Int
    /// Samples handed to the importer by this job.
    private(set) var parsed = 0
    private var sinceCommit = 0
    private var keys: [Labels: Int] = [:]
    private let earlierKeys: [Labels: Int]

    /// A job continuing `job`'s import (same importer, commit interval and buffering bound).
    init(after job: ExpositionImport, testGroup: String?) {
        importer = job.importer
        commitEvery = job.commitEvery
        flushLimit = job.flushLimit
        self.testGroup = testGroup
        parsedBefore = job.parsed
        keyBase = job.seriesRead
        // A series also present in the exposition files keeps its key: one series, counted once.
        earlierKeys = job.seriesKeys
    }

    /// Whether a path names a promtool test file rather than an exposition file.
    static func isTestFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".yml") || lower.hasSuffix(".yaml")
    }

    /// Distinct series read by this job that the exposition files did not already have.
    var seriesRead: Int { keys.count }

    /// Reads one test file; every series is parsed and checked before any sample is added, so a bad file
    /// adds nothing. Throws `FILE: series X: ...` errors, and `StorageError` when a commit fails.
    mutating func read(file path: String, _ report: (ExpositionImport.Event) -> Void) throws {
        let file: RuleTestFile
        do { file = try RuleTestFile.load(path: path) } catch { throw InputSeriesImportError(description: error.description) }
        let groups = file.tests.filter { testGroup == nil || $0.name == testGroup }
        if let testGroup, groups.isEmpty {
            throw InputSeriesImportError(description: "\(path): no test group named \"\(testGroup)\"")
        }
        var loads: [(desc: SeriesDescription, start: Timestamp, interval: Int64)] = []
        for group in groups {
            for input in group.inputSeries {
                let desc: SeriesDescription
                do { desc = try Parser.parseSeriesDescription("\(input.series) \(input.values)") } catch {
                    throw InputSeriesImportError(description: "\(path): series \(input.series): \(error)")
                }
                if desc.values.contains(where: { if case .histogram = $0 { true } else { false } }) {
                    throw InputSeriesImportError(description: "\(path): series \(input.series): native histogram samples are not supported")
                }
                loads.append((desc, group.startTimestamp, group.interval))
            }
        }
        for load in loads {
            let key = self.key(for: load.desc.labels)
            for (i, value) in load.desc.values.enumerated() {
                let v: Double
                switch value {
                case .float(let x): v = x
                case .stale: v = StaleMarker.value
                case .omitted, .histogram: continue
                }
                importer.add(key: key, labels: load.desc.labels, load.start + Int64(i) * load.interval, v)
                parsed += 1
                sinceCommit += 1
                if sinceCommit >= commitEvery {
                    try commit()
                    report(.committed(parsed: parsedBefore + parsed, committed: importer.committedSamples))
                } else if parsed & 0xFFFF == 0 {
                    report(.tick(parsed: parsedBefore + parsed, committed: importer.committedSamples))
                }
            }
        }
    }

    /// Keys by labels, so a series in several groups or files is one series (as `ExpositionImport` does).
    private mutating func key(for labels: Labels) -> Int {
        if let key = keys[labels] ?? earlierKeys[labels] { return key }
        let key = keyBase + keys.count
        keys[labels] = key
        return key
    }

    /// Commits the completed chunks; cuts every open chunk too when too many samples wait (as `ExpositionImport`).
    private mutating func commit() throws(StorageError) {
        try importer.commit()
        sinceCommit = 0
        if parsedBefore + parsed - importer.handedOffSamples - importer.duplicates > flushLimit { try importer.finish() }
    }
}
