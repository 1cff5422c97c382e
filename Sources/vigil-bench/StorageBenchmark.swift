import Engine
import Exposition
import Foundation
import Storage
import TimeSeries

/// `vigil-bench storage`: imports the workload into a fresh SQLite store (or reuses one), prints import speed
/// and size on disk, then times every query against the SQLite store beside an in-memory store loaded from the
/// same file, checking that both give the same answer.
struct StorageBenchmark {
    var file: String
    var db: String
    var queries: [BenchQuery]
    var runs: Int
    var step: Int64
    var only: String?
    var kind: String?
    var options: StoreOptions
    /// Keep the database after the run (it is deleted otherwise, when this run created it).
    var keep = false
    /// Skip the import and query the existing database at `db`.
    var noImport = false
    var skipMemory = false
    /// Stop after the import and its figures (for profiling the import alone).
    var noQueries = false
    /// Skip timing the selectors alone (so a profile holds only the queries themselves).
    var noSelectTiming = false

    func run() throws {
        var imported: ImportFigures?
        if noImport {
            guard FileManager.default.fileExists(atPath: db) else { throw BenchError("--no-import: no database at \(db)") }
            print("database: \(db) (\(WorkloadFile.size(db))), not re-imported")
        } else {
            imported = try StorageImport(file: file, db: db, options: options).run()
        }
        defer {
            if imported != nil && !keep {
                try? StorageImport.removeDatabase(db)
                print("removed \(db) (--keep keeps it)")
            }
        }
        let stats = try StorageFileStats.read(db)
        if let imported { Self.printImport(imported, stats: stats) }
        for line in stats.report() { print(line) }
        let samples = imported.map { $0.samples - $0.duplicates } ?? stats.samples
        if stats.samples != samples {
            print("warning: the database holds \(stats.samples) samples, the import read \(samples)")
        }
        let bytesPerSample = Double(stats.fileBytes + stats.walBytes) / Double(max(stats.samples, 1))
        print("")
        if noQueries {
            printBars(imported: imported, bytesPerSample: bytesPerSample, worstRangeRatio: nil)
            return
        }
        let worst = try runQueries(stats: stats, imported: imported)
        printBars(imported: imported, bytesPerSample: bytesPerSample, worstRangeRatio: worst)
        print("Peak RSS: \(EngineBenchmark.peakRSS())")
    }

    /// Times the queries; returns the largest SQLite/in-memory time ratio among range queries.
    private func runQueries(stats: StorageFileStats, imported: ImportFigures?) throws -> Double? {
        var memory: MemoryStore?
        var first = imported?.minTimestamp ?? stats.minTimestamp
        var last = imported?.maxTimestamp ?? stats.maxTimestamp
        if !skipMemory {
            let store = MemoryStore()
            let load = try EngineBenchmark.load(file, into: store)
            if load.samples != (imported?.samples ?? stats.samples) {
                print("warning: the in-memory store loaded \(load.samples) samples, the SQLite store holds \(stats.samples)")
            }
            first = first ?? load.minTimestamp
            last = last ?? load.maxTimestamp
            memory = store
        }
        guard let first, let last else { throw BenchError("the database has no samples") }
        // A fresh instance: nothing cached from the import's connection (the OS page cache stays warm).
        let sqlite = try SQLiteStore(path: db, options: options)
        defer { sqlite.close() }
        print("SQLite store opened: \(sqlite.seriesCount) series; memory: RSS \(EngineBenchmark.currentRSS())")
        // The same span as `vigil-bench engine` and prom-baseline.sh: whole seconds from first to last sample.
        let start = first / 1000 * 1000
        let end = last / 1000 * 1000
        print("range: \(start / 1000) .. \(end / 1000) step \(step / 1000) s (\((end - start) / step + 1) steps); instant at \(end / 1000)")
        let comparable = stats.samples == BaselineFigures.workloadSamples
        if !comparable { print("(ratios to Prometheus need the default workload; shown as -)") }
        print("")

        let engine = Engine(options: EngineOptions())
        var rows: [[String]] = [[
            "query", "kind", "series", "samples", "sqlite ms", "Msamples/s", "select ms",
            "prom ms", "prom/sqlite", "mem ms", "mem sel ms", "sqlite/mem", "result",
        ]]
        var worstRange: Double?
        var mismatches = 0
        for q in queries where only == nil || q.name == only {
            for kind in ["range", "instant"] where self.kind == nil || self.kind == kind {
                func execute(_ store: some Queryable) -> () throws -> QueryResult {
                    kind == "range"
                        ? { try engine.rangeQuery(q.expr, start: start, end: end, step: step, on: store) }
                        : { try engine.instantQuery(q.expr, at: end, on: store) }
                }
                let selectStart = kind == "range" ? start : end
                var row = [q.name, kind]
                do {
                    let probe = noSelectTiming
                        ? SelectorProbe.run(q.expr, store: sqlite, start: selectStart, end: end).map { SelectorProbe(series: $0.series) }
                        : SelectorProbe.median(runs: runs, q.expr, store: sqlite, start: selectStart, end: end)
                    // With the in-memory store, both run in alternation so that the ratio compares like with like.
                    var pairedMemory: (mem: TimedQuery, ratio: Double)?
                    let timed: TimedQuery
                    if let memory {
                        let pair = try QueryTiming.paired(runs: runs, execute(sqlite), execute(memory))
                        timed = pair.a
                        pairedMemory = (pair.b, pair.ratio)
                    } else {
                        timed = try QueryTiming.median(runs: runs, execute(sqlite))
                    }
                    row += [probe.map { String($0.series) } ?? "-", String(timed.result.samplesScanned), Self.fmt(timed.ms),
                            Self.fmt(Double(timed.result.samplesScanned) / (timed.ms / 1000) / 1e6),
                            noSelectTiming ? "-" : probe.map { Self.fmt($0.ms) } ?? "-"]
                    if comparable, let peer = BaselineFigures.figures(query: q.name, kind: kind) {
                        row += [Self.fmt(peer.prometheusMs), Self.fmt(peer.prometheusMs / timed.ms) + "x"]
                    } else {
                        row += ["-", "-"]
                    }
                    if let memory, let (mem, ratio) = pairedMemory {
                        let memProbe = noSelectTiming ? nil : SelectorProbe.median(runs: runs, q.expr, store: memory, start: selectStart, end: end)
                        if kind == "range" { worstRange = max(worstRange ?? ratio, ratio) }
                        var verdict = "OK"
                        if let diff = ResultComparison.difference(timed.result.value, mem.result.value) {
                            verdict = "MISMATCH: \(diff)"
                        } else if timed.result.samplesScanned != mem.result.samplesScanned {
                            verdict = "OK (samples scanned \(timed.result.samplesScanned) vs \(mem.result.samplesScanned))"
                        }
                        if verdict.hasPrefix("MISMATCH") { mismatches += 1 }
                        row += [Self.fmt(mem.ms), memProbe.map { Self.fmt($0.ms) } ?? "-", Self.fmt(ratio) + "x", verdict]
                    } else {
                        row += ["-", "-", "-", "not compared"]
                    }
                } catch {
                    row += ["error: \(error)"]
                }
                rows.append(row)
                print("  done: \(q.name) \(kind)")
                fflush(nil)
            }
        }
        print("")
        print(EngineBenchmark.table(rows))
        print("""

            samples = the engine's samplesScanned; select ms = the query's selectors alone (select + decode, no \
            evaluation); prom/sqlite > 1 means Vigil over SQLite is faster than Prometheus; sqlite/mem = the \
            median of SQLite/in-memory time ratios over runs alternating between the stores (the bar: at most 1.5x on \
            range queries).
            """)
        if memory != nil { print(mismatches == 0 ? "results: SQLite and in-memory agree on every query" : "results: \(mismatches) MISMATCH(ES)") }
        return worstRange
    }

    private static func printImport(_ f: ImportFigures, stats: StorageFileStats) {
        print(String(format: "import: %d series, %d samples (%d duplicates dropped), %.2f GB read in %.2f s: %.2f M samples/s end to end",
                     f.series, f.samples, f.duplicates, Double(f.bytesRead) / 1e9, f.seconds, f.samplesPerSecond / 1e6))
        print(String(format: "  of which %.2f s (%.0f%%) in commits (encode + write; parsing waits), %.2f s closing (WAL checkpoint); parse + buffering %.2f s",
                     f.commitSeconds, 100 * f.commitSeconds / f.seconds, f.closeSeconds,
                     f.seconds - f.commitSeconds - f.closeSeconds))
        print(String(format: "  CPU %.2f s user + %.2f s system over %.2f s wall (%.0f%% of one core; below 100%% means waiting for the disk or other processes)",
                     f.cpuUser, f.cpuSystem, f.seconds, 100 * (f.cpuUser + f.cpuSystem) / f.seconds))
        print(String(format: "  %.3f bytes/sample on disk (%d B database file / %d samples)",
                     Double(stats.fileBytes + stats.walBytes) / Double(max(f.samples, 1)), stats.fileBytes + stats.walBytes, f.samples))
    }

    private func printBars(imported: ImportFigures?, bytesPerSample: Double, worstRangeRatio: Double?) {
        print("bars (issue 4):")
        if let imported {
            print(String(format: "  import      %6.2f M samples/s   bar > 1.66 (VictoriaMetrics); promtool 0.117", imported.samplesPerSecond / 1e6))
        }
        print(String(format: "  disk        %6.3f bytes/sample  bar <= 1.2, aim < 0.58 (VictoriaMetrics); Prometheus 2.21", bytesPerSample))
        if let worstRangeRatio {
            print(String(format: "  range query %6.2fx in-memory time at worst   bar <= 1.5x", worstRangeRatio))
        }
    }

    static func fmt(_ x: Double) -> String { EngineBenchmark.fmt(x) }
}
