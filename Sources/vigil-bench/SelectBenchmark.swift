import Foundation
import PromQL
import Storage
import TimeSeries

/// `vigil-bench select`: the selection hot path alone (postings, chunk reads, CRC checks, decoding) for every
/// query's selectors over the SQLite store, as wall time and as CPU time of the whole process. CPU time per
/// sample moves far less than wall time when other work shares the machine, so it is the figure to compare
/// codec or read-path changes by.
struct SelectBenchmark {
    var db: String
    var queries: [BenchQuery]
    var runs: Int
    var only: String?
    var threads: Int?

    func run() throws {
        var options = StoreOptions()
        if let threads { options.queryThreads = threads }
        let store = try SQLiteStore(path: db, options: options)
        defer { store.close() }
        let stats = try StorageFileStats.read(db)
        guard let first = stats.minTimestamp, let last = stats.maxTimestamp else {
            throw BenchError("the database has no samples")
        }
        let start = first / 1000 * 1000
        let end = last / 1000 * 1000
        print("select over \(db): range \(start / 1000) .. \(end / 1000), \(options.queryThreads) threads, median of \(runs)")
        var rows = [["query", "series", "samples", "wall ms", "cpu ms", "Msamples/s wall", "Msamples/s per cpu-s"]]
        for q in queries where only == nil || q.name == only {
            guard let warm = SelectorProbe.run(q.expr, store: store, start: start, end: end) else { continue }
            var walls: [Double] = []
            var cpus: [Double] = []
            for _ in 0..<runs {
                let cpu0 = Self.processCPUSeconds()
                guard let p = SelectorProbe.run(q.expr, store: store, start: start, end: end) else { break }
                cpus.append((Self.processCPUSeconds() - cpu0) * 1000)
                walls.append(p.ms)
            }
            let wall = walls.sorted()[walls.count / 2]
            let cpu = cpus.sorted()[cpus.count / 2]
            rows.append([q.name, String(warm.series), String(warm.samples), StorageBenchmark.fmt(wall), StorageBenchmark.fmt(cpu),
                         StorageBenchmark.fmt(Double(warm.samples) / wall / 1000),
                         StorageBenchmark.fmt(Double(warm.samples) / cpu / 1000)])
        }
        print(EngineBenchmark.table(rows))
    }

    /// User plus system CPU seconds of this process so far, all threads.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
