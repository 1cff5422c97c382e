import Exposition
import Foundation
import Storage
import TimeSeries

// vigil-bench: benchmarks that print figures. Subcommands: engine, load, storage.
MemoryTuning.retainFreedMemory()
let usage = """
    usage: vigil-bench engine [--file PATH] [--queries PATH] [--runs N] [--only NAME] [options]
           vigil-bench load   [--file PATH] [--parse-only] [options]
           vigil-bench storage [--file PATH] [--db PATH] [--keep] [--no-import] [--skip-memory] [--runs N] [--only NAME]
                               [--chunk-samples N] [options]
           vigil-bench select [--db PATH] [--threads N] [--runs N] [--only NAME]

    engine  load the workload into a MemoryStore, then time every query of queries.tsv as a range query
            over the whole span (step 60 s) and as an instant query at the last timestamp
    load    time loading (or with --parse-only just parsing) the workload
    storage import the workload into a fresh SQLite store (samples/s, bytes/sample on disk, encoding mix), then
            time every query against it and against an in-memory store, checking that both answer the same

    options:
      --file PATH      workload file (default /tmp/vigil-bench/workload.om; generated with gen.py when missing)
      --queries PATH   query list (default SHARED/bench/queries.tsv)
      --shared DIR     the shared directory holding bench/ (default: found from the current directory upward)
      --scale X        gen.py --series-scale, for quick runs (default file then /tmp/vigil-bench/workload-sX-hH.om)
      --hours H        gen.py --hours
      --runs N         timed runs per query after one warm-up (default 5); the median is shown
      --step S         range query step in seconds (default 60)
      --only NAME      run only this query of queries.tsv
      --kind KIND      run only range or only instant queries

    select  time each query's selectors alone (select + decode) over an imported SQLite store, wall and CPU
            time; CPU time per sample is the steadier figure on a busy machine

    storage options:
      --db PATH        the SQLite file (default /tmp/vigil-bench/workload.db; deleted with its -wal/-shm first)
      --keep           keep the database afterwards (deleted otherwise when this run imported it)
      --no-import      query the existing database at --db instead of importing
      --skip-memory    do not load the in-memory store (no SQLite/in-memory ratios, no result check)
      --no-queries     stop after the import figures (for profiling the import)
      --no-select-timing  do not time the selectors alone (for profiling the queries themselves)
      --chunk-samples N  samples per chunk written by the import (default: StoreOptions)
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("vigil-bench: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, command != "-h", command != "--help", command != "help" else {
    print(usage)
    exit(arguments.isEmpty ? 64 : 0)
}
arguments.removeFirst()

var options: [String: String] = [:]
var flags: Set<String> = []
let boolean: Set = ["--parse-only", "--keep", "--no-import", "--skip-memory", "--no-queries", "--no-select-timing"]
let valued: Set = ["--file", "--queries", "--shared", "--scale", "--hours", "--runs", "--step", "--only", "--kind",
                   "--db", "--chunk-samples", "--threads"]
var index = 0
while index < arguments.count {
    let arg = arguments[index]
    if boolean.contains(arg) {
        flags.insert(arg)
    } else if valued.contains(arg) {
        guard index + 1 < arguments.count else { fail("\(arg) needs a value") }
        options[arg] = arguments[index + 1]
        index += 1
    } else {
        fail("unknown argument \(arg)\n\n\(usage)")
    }
    index += 1
}

do {
    let workload = WorkloadFile(
        path: options["--file"] ?? WorkloadFile.defaultPath(scale: options["--scale"], hours: options["--hours"]),
        scale: options["--scale"], hours: options["--hours"])
    // Only a storage run that neither imports nor loads the in-memory store can do without the file.
    let needsFile = command != "select" && (command != "storage" || !flags.contains("--no-import") || !flags.contains("--skip-memory"))
    if needsFile {
        try workload.ensure { try WorkloadFile.locateBench(shared: options["--shared"]) }
    }
    let queriesPath = { try options["--queries"] ?? WorkloadFile.locateBench(shared: options["--shared"]) + "/queries.tsv" }
    guard let runs = Int(options["--runs"] ?? "5"), runs > 0 else { fail("--runs needs a positive integer") }
    guard let step = Double(options["--step"] ?? "60"), step > 0 else { fail("--step needs positive seconds") }
    switch command {
    case "engine":
        let benchmark = EngineBenchmark(
            file: workload.path, queries: try BenchQuery.load(queriesPath()), runs: runs,
            step: Int64(step * 1000), only: options["--only"], kind: options["--kind"])
        try benchmark.run()
    case "load":
        if flags.contains("--parse-only") {
            let reader = ExpositionFileReader(path: workload.path)
            var parser = reader.makeParser()
            var samples = 0
            var checksum = 0.0
            let t0 = Date()
            let bytes = try reader.read(into: &parser) { sample in
                samples += 1
                checksum += sample.value
            }
            let seconds = Date().timeIntervalSince(t0)
            print(String(format: "parse: %d series, %d samples, %.1f MB in %.2f s: %.2f M samples/s, %.0f MB/s (checksum %g)",
                         parser.seriesCount, samples, Double(bytes) / 1e6, seconds, Double(samples) / seconds / 1e6,
                         Double(bytes) / 1e6 / seconds, checksum))
        } else {
            _ = try EngineBenchmark.load(workload.path, into: MemoryStore())
            print("peak RSS: \(EngineBenchmark.peakRSS())")
        }
    case "storage":
        var storeOptions = StoreOptions()
        if let text = options["--chunk-samples"] {
            guard let n = Int(text), n > 0 else { fail("--chunk-samples needs a positive integer") }
            storeOptions.chunkSamples = n
        }
        var benchmark = StorageBenchmark(
            file: workload.path, db: options["--db"] ?? WorkloadFile.defaultDirectory + "/workload.db",
            queries: try BenchQuery.load(queriesPath()), runs: runs, step: Int64(step * 1000),
            only: options["--only"], kind: options["--kind"], options: storeOptions)
        benchmark.keep = flags.contains("--keep")
        benchmark.noImport = flags.contains("--no-import")
        benchmark.skipMemory = flags.contains("--skip-memory")
        benchmark.noQueries = flags.contains("--no-queries")
        benchmark.noSelectTiming = flags.contains("--no-select-timing")
        try benchmark.run()
    case "select":
        let threads = options["--threads"].map { Int($0) ?? 0 }
        if let threads, threads < 1 { fail("--threads needs a positive integer") }
        try SelectBenchmark(
            db: options["--db"] ?? WorkloadFile.defaultDirectory + "/workload.db",
            queries: try BenchQuery.load(queriesPath()), runs: runs, only: options["--only"], threads: threads
        ).run()
    default:
        fail("unknown command \(command)\n\n\(usage)")
    }
} catch {
    fail("\(error)")
}
