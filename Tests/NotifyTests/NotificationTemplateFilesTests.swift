import Foundation
import Testing
import TimeSeries
import YAML
@testable import Notify

/// `templates:` files: loaded at config parse, resolved against the config's directory, usable from fields and
/// able to override Vigil's defaults.
@Suite struct NotificationTemplateFilesTests {
    /// A fresh temp dir holding `am.yml` (with `templates` as given, a Slack receiver with `slack`'s extra fields)
    /// and `files` (paths relative to the dir); `$DIR` in `templates` is the dir's absolute path.
    static func directory(templates: String, slack: String = "", files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tmpl-\(UUID().uuidString)")
        let templates = templates.replacingOccurrences(of: "$DIR", with: dir.path)
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            let parent = url.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
            templates: \(templates)
            route:
              receiver: team
              group_by: [alertname]
            receivers:
              - name: team
                slack_configs:
                  - api_url: 'http://127.0.0.1:9/s'
                    title: '{{ template "my.title" . }}'\(slack)
            """.write(to: dir.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Parses `dir/am.yml` the way the daemon does: text plus the file's path.
    static func parse(_ dir: URL) throws -> AlertmanagerConfig {
        let file = dir.appendingPathComponent("am.yml").path
        return try AlertmanagerConfig.parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
    }

    /// The file every suite test starts from: a title for fields to call and an override of a default, with the
    /// newlines and comment between definitions that real template files have.
    static let userTemplates = """
        {{/* Team templates. */}}
        {{ define "my.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}

        {{ define "slack.default.text" }}{{ len .Alerts }} alert(s) for {{ .CommonLabels.service }}{{ end }}

        """

    static let alerts = [
        NotifyAlert(labels: Labels(["alertname": "Down", "service": "api", "instance": "a"]),
                    annotations: Labels([:]), startsAt: 1_700_000_000_000),
        NotifyAlert(labels: Labels(["alertname": "Down", "service": "api", "instance": "b"]),
                    annotations: Labels([:]), startsAt: 1_700_000_000_000),
    ]

    static func slack(_ config: AlertmanagerConfig) throws -> NotificationPlan.Entry {
        let plan = NotificationPlan(config: config, alerts: alerts, externalURL: "http://vigil", now: 1_700_000_060_000)
        return try #require(plan.entries.first { $0.integration == "slack" })
    }

    static func attachment(_ entry: NotificationPlan.Entry, _ key: String) -> String? {
        guard case .object(let message) = entry.payload,
              case .array(let attachments)? = message.first(where: { $0.0 == "attachments" })?.1,
              case .object(let fields)? = attachments.first,
              case .string(let value)? = fields.first(where: { $0.0 == key })?.1
        else { return nil }
        return value
    }

    @Test func fieldCallsAUserTemplateAndAUserDefineOverridesTheDefault() throws {
        let dir = try Self.directory(templates: "['$DIR/templates/*.tmpl']",
                                     files: ["templates/a.tmpl": Self.userTemplates])
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.parse(dir)
        let entry = try Self.slack(config)
        #expect(entry.renderErrors.isEmpty)
        #expect(Self.attachment(entry, "title") == "[FIRING] Down")
        // No newline or comment from the file's top level leaks into the fields.
        #expect(Self.attachment(entry, "text") == "2 alert(s) for api")
    }

    @Test func relativePatternResolvesAgainstTheConfigDirectory() throws {
        // The test process runs elsewhere, so resolving against the working directory would find nothing.
        #expect(!FileManager.default.fileExists(atPath: "templates/a.tmpl"))
        let dir = try Self.directory(templates: "['templates/*.tmpl']", files: ["templates/a.tmpl": Self.userTemplates])
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.parse(dir)
        #expect(config.templateText.contains(#"define "my.title""#))
        let entry = try Self.slack(config)
        #expect(entry.renderErrors.isEmpty)
        #expect(Self.attachment(entry, "title") == "[FIRING] Down")
        #expect(Self.attachment(entry, "text") == "2 alert(s) for api")
    }

    @Test func laterFilesOverrideEarlierOnesInSortedOrder() throws {
        let dir = try Self.directory(templates: "['templates/*.tmpl']", files: [
            "templates/b.tmpl": #"{{ define "my.title" }}from b{{ end }}"#,
            "templates/a.tmpl": #"{{ define "my.title" }}from a{{ end }}"#,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(Self.attachment(try Self.slack(try Self.parse(dir)), "title") == "from b")
    }

    @Test func patternMatchingNothingIsAccepted() throws {
        let dir = try Self.directory(templates: "['none/*.tmpl', 'templates/*.tmpl']",
                                     files: ["templates/a.tmpl": Self.userTemplates])
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.parse(dir)
        #expect(Self.attachment(try Self.slack(config), "title") == "[FIRING] Down")

        let empty = try Self.directory(templates: "['none/*.tmpl']", files: [:])
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(try Self.parse(empty).templateText == "")
    }

    @Test func syntaxErrorInATemplateFileFailsTheConfigNamingTheFile() throws {
        let dir = try Self.directory(templates: "['templates/*.tmpl']", files: [
            "templates/a.tmpl": Self.userTemplates,
            "templates/broken.tmpl": "\n{{ define \"x\" }}{{ .Status | nosuchfn }}{{ end }}",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = try #require(throws: YAMLError.self) { try Self.parse(dir) }
        #expect(error.file == dir.appendingPathComponent("am.yml").path)
        #expect((error.line, error.column) == (1, 13))
        #expect(error.message.contains(dir.appendingPathComponent("templates/broken.tmpl").path + ":2:"))
        #expect(error.message.contains(#"function "nosuchfn" not defined"#))
    }

    @Test func templatesMustBeAListOfStrings() throws {
        let dir = try Self.directory(templates: "['templates/*.tmpl', {a: b}]", files: [:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = try #require(throws: YAMLError.self) { try Self.parse(dir) }
        #expect(error.file == dir.appendingPathComponent("am.yml").path)
        #expect((error.line, error.column) == (1, 33))
    }

    @Test func unreadableTemplateFileFailsTheConfigNamingIt() throws {
        // A directory matches the glob but cannot be read as a file.
        let dir = try Self.directory(templates: "['templates/*']", files: ["templates/sub.tmpl/x": ""])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = try #require(throws: YAMLError.self) { try Self.parse(dir) }
        #expect(error.message.contains(dir.appendingPathComponent("templates/sub.tmpl").path))
    }

    @Test func fieldErrorPositionsStayRelativeToTheFieldWithUserTemplates() throws {
        let dir = try Self.directory(templates: "['templates/*.tmpl']",
                                     slack: "\n        text: \"ok\\n{{ template \\\"missing\\\" . }}\"",
                                     files: ["templates/a.tmpl": Self.userTemplates])
        defer { try? FileManager.default.removeItem(at: dir) }
        let entry = try Self.slack(try Self.parse(dir))
        let error = try #require(entry.renderErrors.first)
        #expect(entry.renderErrors.map(\.field) == ["text"])
        #expect((error.error.line, error.error.column) == (2, 4))
        // The fallback is the default text, which the user file overrides.
        #expect(Self.attachment(entry, "text") == "2 alert(s) for api")
    }

    @Test func topLevelBlockDefinesWithoutPrintingAndTrailingTrimLeavesTheFieldAlone() throws {
        let dir = try Self.directory(templates: "['templates/*.tmpl']",
                                     slack: "\n        text: '  {{ template \"b\" . }}'",
                                     files: ["templates/a.tmpl": """
                                         top {{ block "b" . }}B {{ "}}" }}{{ end }} text
                                         {{ define "my.title" }}T{{ end -}}
                                         """])
        defer { try? FileManager.default.removeItem(at: dir) }
        let entry = try Self.slack(try Self.parse(dir))
        #expect(entry.renderErrors.isEmpty)
        #expect(Self.attachment(entry, "title") == "T")
        #expect(Self.attachment(entry, "text") == "  B }}")
    }
}
