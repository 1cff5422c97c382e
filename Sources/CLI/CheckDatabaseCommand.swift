import Foundation
import Storage

/// `vigil check db PATH`: verifies a Vigil database after a crash, a disk problem or a copy.
public struct CheckDatabaseCommand: Sendable {
    public var path: String
    public var full: Bool

    public static let spec = CommandSpec(
        name: "check db",
        summary: "Verify a Vigil database: SQLite pages, every chunk's checksum and contents, the head",
        discussion: """
            Reads the whole file in one snapshot (a running Vigil may keep writing): SQLite's quick_check (or the
            slower integrity_check with --full), then every chunk's checksum, header and samples against its row
            (count, first and last timestamp, ascending order), and that every chunk and head row belongs to an
            indexed series. Prints the counts and each problem with its series and chunk. Exit status: 0 sound,
            1 problems found or the file cannot be opened.
            """,
        options: [.init("full", help: "Run SQLite's full integrity_check instead of quick_check.")],
        positionals: [.init("PATH", help: "The database file.")],
        examples: ["vigil check db /var/lib/vigil/vigil.db"])

    public static func validate(_ args: BoundArguments) throws(UsageError) -> CheckDatabaseCommand {
        guard args.positionals.count == 1 else { throw UsageError("give exactly one database PATH", command: spec.name) }
        return CheckDatabaseCommand(path: args.positionals[0], full: args.has("full"))
    }

    public func run() -> ExitCode {
        guard FileManager.default.fileExists(atPath: path) else {
            return Console.error("Error: \(path): no such file")
        }
        let report: VerifyReport
        do {
            let store = try SQLiteStore(path: path)
            defer { store.close() }
            report = try store.verify(full: full) { chunks in Console.err("  \(chunks) chunks checked\n") }
        } catch {
            return Console.error("Error: \(error)")
        }
        let rows = [
            ["series", "\(report.series)"],
            ["chunks", "\(report.chunks) (\(report.chunkSamples) samples)"],
            ["head rows", "\(report.headRows)"],
            ["sqlite", report.fullCheck ? "integrity_check" : "quick_check"],
        ]
        Console.out("Checking \(path)\n" + ResultTable.align(rows))
        if report.problems.isEmpty {
            Console.out("SUCCESS: no problems found\n")
            return .ok
        }
        for p in report.problems { Console.err("  \(p)\n") }
        return Console.error("FAILED: \(report.problems.count)\(report.problems.count == 100 ? "+" : "") problems in \(path)")
    }
}
