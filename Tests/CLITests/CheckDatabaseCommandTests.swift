import Foundation
import Testing

/// `vigil check db` through the built binary.
@Suite struct CheckDatabaseCommandTests {
    @Test func aFreshImportIsSoundAndGarbageIsNot() throws {
        let dir = try TemporaryDirectory()
        let prom = dir.file("in.prom")
        try "up{job=\"a\"} 1 1700000000000\nup{job=\"a\"} 0 1700000015000\nup{job=\"b\"} 1 1700000000000\n"
            .write(toFile: prom, atomically: true, encoding: .utf8)
        let db = dir.file("ok.db")
        let imported = try Vigil.run(["import", prom, "--db", db])
        try #require(imported.status == 0, "stderr: \(imported.stderr)")

        let ok = try Vigil.run(["check", "db", db, "--full"])
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        #expect(ok.stdout.contains("SUCCESS: no problems found"))
        #expect(ok.stdout.contains("series     2"), "\(ok.stdout)")
        #expect(ok.stdout.contains("integrity_check"))

        let garbage = dir.file("garbage.db")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: garbage))
        let bad = try Vigil.run(["check", "db", garbage])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains(garbage) && bad.stderr.contains("Error:"), "\(bad.stderr)")

        let missing = try Vigil.run(["check", "db", dir.file("nope.db")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no such file"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("nope.db")), "checking never creates a file")
    }
}
