import Foundation
import Testing
import YAML
@testable import Notify

@Suite struct AlertmanagerForwardConfigTests {
    static let tail = """
          route: {receiver: r}
          receivers: [{name: r}]
        """

    /// Vigil's own config: `alerting:` holding `alertmanagers` beside the routing tree.
    static func config(_ entries: String) -> String {
        "alerting:\n  alertmanagers:\n" + entries + "\n" + tail
    }

    static func error(_ entries: String) -> String {
        do {
            _ = try AlertmanagerConfig.parse(config(entries), file: "vigil.yml")
            return "no error"
        } catch { return error.description }
    }

    @Test func parsesPrometheusAlertmanagerEntries() throws {
        let c = try AlertmanagerConfig.parse(Self.config("""
                - static_configs:
                    - targets: ['127.0.0.1:9093', 'am2:9093']
                      labels: {dc: eu}
                  timeout: 2s
                  api_version: v2
                  follow_redirects: true
                - scheme: https
                  path_prefix: /alertmanager/
                  static_configs: [{targets: [am.example.org]}]
                  basic_auth: {username: vigil, password_file: /etc/vigil/am-password}
                - static_configs: [{targets: ['[::1]:9093']}]
                  authorization: {credentials: s3cret}
            """))
        #expect(c.alertmanagers.count == 3)
        let first = c.alertmanagers[0]
        #expect(first.scheme == .http && first.hosts == ["127.0.0.1:9093", "am2:9093"] && first.timeout == 2000)
        #expect(first.authorization == nil)
        #expect(first.alertsURLs.map(\.absoluteString) == [
            "http://127.0.0.1:9093/api/v2/alerts", "http://am2:9093/api/v2/alerts",
        ])
        #expect(first.mark == YAMLMark(line: 3, column: 7))
        let second = c.alertmanagers[1]
        #expect(second.timeout == AlertmanagerTarget.defaultTimeout)
        #expect(second.alertsURLs.map(\.absoluteString) == ["https://am.example.org/alertmanager/api/v2/alerts"])
        #expect(second.authorization == .basic(username: .inline("vigil"), password: .file("/etc/vigil/am-password")))
        let third = c.alertmanagers[2]
        #expect(third.authorization == .credentials(type: "Bearer", credentials: .inline("s3cret")))
        #expect(third.alertsURLs.map(\.absoluteString) == ["http://[::1]:9093/api/v2/alerts"])
        #expect(try third.authorization?.headerValue() == "Bearer s3cret")
        // Printed secrets are redacted; files are named.
        #expect("\(AlertmanagerTarget.Secret.inline("s3cret"))" == "<secret>")
        #expect("\(AlertmanagerTarget.Secret.file("/x"))" == "file /x")
    }

    @Test func pathPrefixIsJoinedAsGoJoinsPaths() {
        func url(_ prefix: String) -> String? {
            AlertmanagerTarget(hosts: ["h:1"], pathPrefix: prefix).alertsURL(host: "h:1")?.absoluteString
        }
        #expect(url("") == "http://h:1/api/v2/alerts")
        #expect(url("/") == "http://h:1/api/v2/alerts")
        #expect(url("am") == "http://h:1/am/api/v2/alerts")
        #expect(url("//am//x/") == "http://h:1/am/x/api/v2/alerts")
        #expect(url("/am/./x/../y") == "http://h:1/am/y/api/v2/alerts")
    }

    @Test func plainAlertmanagerConfigHasNoForwardTargets() throws {
        let c = try AlertmanagerConfig.parse("route: {receiver: r}\nreceivers: [{name: r}]\n")
        #expect(c.alertmanagers.isEmpty)
        let wrapped = try AlertmanagerConfig.parse("alerting:\n" + Self.tail)
        #expect(wrapped.alertmanagers.isEmpty)
    }

    @Test func errorsPointAtTheOffendingKeyOrValue() {
        let target = "    - static_configs: [{targets: ['127.0.0.1:9093']}]\n"
        #expect(Self.error(target + "      api_version: v1") ==
            "vigil.yml:4:20: api_version v1 is not supported: Alertmanager removed API v1; use v2")
        #expect(Self.error(target + "      api_version: v3") ==
            #"vigil.yml:4:20: unsupported api_version "v3": only v2 is supported"#)
        #expect(Self.error(target + "      scheme: ftp") ==
            #"vigil.yml:4:15: unsupported scheme "ftp": use http or https"#)
        #expect(Self.error(target + "      timeout: 10x") ==
            #"vigil.yml:4:16: not a valid duration string: "10x""#)
        #expect(Self.error(target + "      timeout: 0s") == "vigil.yml:4:16: timeout must be greater than zero")
        #expect(Self.error(target + "      tiemout: 5s") == #"vigil.yml:4:7: unknown field "tiemout""#)
        #expect(Self.error(target + "      tls_config: {ca_file: /x}") ==
            "vigil.yml:4:7: tls_config is not supported by Vigil's Alertmanager client")
        #expect(Self.error(target + "      dns_sd_configs: []") ==
            "vigil.yml:4:7: dns_sd_configs is not supported: list Alertmanagers in static_configs")
        #expect(Self.error("    - static_configs: [{targets: ['http://am:9093']}]") ==
            #"vigil.yml:3:35: invalid Alertmanager target "http://am:9093": give host:port without a scheme (set scheme: instead)"#)
        #expect(Self.error("    - static_configs: [{targets: ['am:9093/x']}]") ==
            #"vigil.yml:3:35: invalid Alertmanager target "am:9093/x": give host:port without a path (set path_prefix: instead)"#)
        #expect(Self.error("    - static_configs: [{targetz: [a]}]") == #"vigil.yml:3:25: unknown field "targetz""#)
        #expect(Self.error("    - timeout: 5s") ==
            "vigil.yml:3:7: no Alertmanager targets: add static_configs with targets")
        #expect(Self.error(target + "      basic_auth: {username: u, password: p}\n      authorization: {credentials: c}") ==
            "vigil.yml:5:7: at most one of basic_auth and authorization must be configured")
        #expect(Self.error(target + "      authorization: {type: Basic, credentials: c}") ==
            #"vigil.yml:4:29: authorization type cannot be set to "basic", use "basic_auth" instead"#)
        #expect(Self.error(target + "      authorization: {credentials: c, credentials_file: /f}") ==
            "vigil.yml:4:39: at most one of credentials and credentials_file must be configured")
        #expect(Self.error(target + "      authorization: {type: Bearer}") ==
            "vigil.yml:4:22: one of credentials and credentials_file must be configured")
        #expect(Self.error(target + "      basic_auth: {username: u, password: p, password_file: /f}") ==
            "vigil.yml:4:46: at most one of password and password_file must be configured")
        #expect(Self.error("    static_configs: []") == "vigil.yml:3:5: cannot unmarshal !!map into sequence")
    }

    @Test func errorMessagesNeverContainTheSecret() {
        let message = Self.error("""
                - static_configs: [{targets: ['127.0.0.1:9093']}]
                  authorization: {credentials: hunter2, credentials_file: /f}
            """)
        #expect(message.contains("at most one of credentials and credentials_file"))
        #expect(!message.contains("hunter2"))
    }
}
