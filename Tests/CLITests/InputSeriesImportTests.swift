import Foundation
import Testing

@testable import CLI

/// `vigil import` of promtool unit-test files (`input_series`), through the built binary and `vigil query --db`.
@Suite struct InputSeriesImportTests {
    /// Two groups: one-minute steps from 1700000000 with an omitted sample and a stale marker, and 30 s steps from 0.
    private static let twoGroups = """
        evaluation_interval: 1m
        tests:
          - name: minutes
            interval: 1m
            start_timestamp: 1700000000
            input_series:
              - series: 'up{job="api"}'
                values: '1 0 _ 1 stale'
              - series: 'requests_total{job="api", path="/x"}'
                values: '0+10x4'
          - name: seconds
            interval: 30s
            input_series:
              - series: 'temp{room="a"}'
                values: '20.5 _x2 21 -Inf'
        """

    private func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The instant vector at `time` as `{labels} value` strings, sorted.
    private func query(_ db: String, _ expr: String, at time: String) throws -> [String] {
        let doc = try Vigil.json(["query", "--db", db, "--time", time, "--format", "json", expr])
        let data = try #require(doc["data"] as? [String: Any])
        let result = try #require(data["result"] as? [[String: Any]])
        return try result.map { r in
            let metric = try #require(r["metric"] as? [String: String])
            let value = try #require(r["value"] as? [Any])
            let labels = metric.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return "{\(labels)} \(try #require(value[1] as? String))"
        }.sorted()
    }

    @Test func importsEveryGroupAtItsTimes() throws {
        let dir = try TemporaryDirectory()
        let yaml = dir.file("tests.yml")
        try write(Self.twoGroups, yaml)
        let db = dir.file("tests.db")
        let output = try Vigil.run(["import", yaml, "--db", db])
        try #require(output.status == 0, "stderr: \(output.stderr)")
        // up: 1 0 1 stale; requests_total: 5 values; temp: 20.5 21 -Inf.
        #expect(output.stdout.contains("3 (3 created)"), "\(output.stdout)")
        #expect(output.stdout.contains(" 12 imported"), "\(output.stdout)")

        #expect(try query(db, "up", at: "1700000060") == ["{__name__=up,job=api} 0"])
        // The omitted sample at 1700000120 was not stored: the newest sample then is the one from 1700000060.
        #expect(try query(db, "timestamp(up)", at: "1700000120") == ["{job=api} 1700000060"])
        #expect(try query(db, "up", at: "1700000239") == ["{__name__=up,job=api} 1"])
        // The stale marker at 1700000240 ends the series at once (no five-minute lookback).
        #expect(try query(db, "up", at: "1700000240") == [])
        #expect(try query(db, "up", at: "1700000300") == [])
        #expect(try query(db, "requests_total", at: "1700000240") == ["{__name__=requests_total,job=api,path=/x} 40"])
        // The second group starts at 0 with 30 s steps; `_x2` leaves 30 s and 60 s empty.
        #expect(try query(db, "temp", at: "0") == ["{__name__=temp,room=a} 20.5"])
        #expect(try query(db, "timestamp(temp)", at: "60") == ["{room=a} 0"])
        #expect(try query(db, "temp", at: "90") == ["{__name__=temp,room=a} 21"])
        #expect(try query(db, "temp", at: "120") == ["{__name__=temp,room=a} -Inf"])
        #expect(try query(db, "count_over_time(temp[10m])", at: "120") == ["{room=a} 3"])
    }

    @Test func testGroupSelectsOneGroup() throws {
        let dir = try TemporaryDirectory()
        let yaml = dir.file("tests.yaml")
        try write(Self.twoGroups, yaml)
        let db = dir.file("one.db")
        let output = try Vigil.run(["import", yaml, "--db", db, "--test-group", "seconds"])
        try #require(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.stdout.contains(" 3 imported"), "\(output.stdout)")
        #expect(try query(db, "temp", at: "90") == ["{__name__=temp,room=a} 21"])
        #expect(try query(db, "up", at: "1700000060") == [])

        let missing = try Vigil.run(["import", yaml, "--db", db, "--test-group", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(yaml): no test group named \"nope\""), "\(missing.stderr)")
    }

    /// A test file before an exposition file on the command line: both land in their own series.
    @Test func mixesWithExpositionFiles() throws {
        let dir = try TemporaryDirectory()
        let yaml = dir.file("tests.yml")
        try write(Self.twoGroups, yaml)
        let prom = dir.file("other.prom")
        try write("other{k=\"v\"} 7 1700000000000\nother{k=\"v\"} 8 1700000060000\n", prom)
        let db = dir.file("mixed.db")
        let output = try Vigil.run(["import", yaml, prom, "--db", db])
        try #require(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.stdout.contains("4 (4 created)"), "\(output.stdout)")
        #expect(output.stdout.contains(" 14 imported"), "\(output.stdout)")
        #expect(try query(db, "other", at: "1700000060") == ["{__name__=other,k=v} 8"])
        #expect(try query(db, "count_over_time(up[10m])", at: "1700000200") == ["{job=api} 3"])
        #expect(try query(db, "count_over_time(other[10m])", at: "1700000200") == ["{k=v} 2"])
    }

    @Test func aSeriesInBothKindsOfFileIsOneSeries() throws {
        let dir = try TemporaryDirectory()
        let yaml = dir.file("tests.yml")
        try write(Self.twoGroups, yaml)
        // The same `up{job="api"}` as the test file, at other times (after its stale marker).
        let prom = dir.file("more.prom")
        try write("up{job=\"api\"} 5 1700000300000\nup{job=\"api\"} 6 1700000360000\n", prom)
        let db = dir.file("shared.db")
        let output = try Vigil.run(["import", yaml, prom, "--db", db])
        try #require(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.stdout.contains("3 (3 created)"), "one series counted once: \(output.stdout)")
        #expect(output.stdout.contains(" 14 imported"), "\(output.stdout)")
        #expect(try query(db, "count_over_time(up[20m])", at: "1700000400") == ["{job=api} 5"])
        #expect(try query(db, "up", at: "1700000400") == ["{__name__=up,job=api} 6"])
    }

    @Test func nativeHistogramsFailTheImport() throws {
        let dir = try TemporaryDirectory()
        let yaml = dir.file("hist.yml")
        try write("""
            tests:
              - input_series:
                  - series: 'ok'
                    values: '1 2 3'
                  - series: 'hist{a="b"}'
                    values: '{{schema:0 sum:1 count:1}}x2'
            """, yaml)
        let db = dir.file("hist.db")
        let output = try Vigil.run(["import", yaml, "--db", db])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(yaml): series hist{a=\"b\"}: native histogram samples are not supported"),
                "\(output.stderr)")
        // The file is checked before anything is added, so even its float series is absent.
        #expect(try query(db, "ok", at: "0") == [])
    }

    @Test func testGroupOptionNeedsATestFile() throws {
        func validate(_ args: [String]) throws(UsageError) -> ImportCommand {
            try ImportCommand.validate(try BoundArguments.bind(ArgumentToken.tokenize(args), to: ImportCommand.spec))
        }
        #expect(try validate(["t.YAML", "--db", "x.db", "--test-group", "g"]).testGroup == "g")
        #expect(try validate(["t.yml", "--db", "x.db"]).testGroup == nil)
        do {
            _ = try validate(["a.om", "--db", "x.db", "--test-group", "g"])
            Issue.record("--test-group without a test file was accepted")
        } catch {
            #expect(error.message == "--test-group 'g' needs a promtool test file (.yml or .yaml) among the files")
        }
    }
}
