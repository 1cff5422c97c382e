#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Template
import YAML

// The `templates:` files of an Alertmanager config: found by glob, checked at load, reduced to their defines.
extension AlertmanagerConfig {
    /// Reads the files the `templates:` globs match (relative ones against the config file's directory) and
    /// checks each parses, as Alertmanager refuses a config whose templates do not; returns their `define`s.
    static func loadTemplates(_ m: YAMLMapping) throws(YAMLError) -> String {
        guard let items = try m.sequence("templates") else { return "" }
        // Only the names matter for parsing; the clock is set per render.
        let functions = DefaultNotificationTemplates.functions(now: 0)
        let base = m.file.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        var definitions = ""
        for item in items {
            guard let pattern = item.scalar?.value, !item.isNull else {
                throw m.error("templates: expected a string, got \(item.typeName)", at: item.mark)
            }
            let absolute = pattern.hasPrefix("/") || base.isEmpty ? pattern : globEscaped(base) + "/" + pattern
            let paths: [String]
            do { paths = try expandGlob(absolute) } catch { throw m.error("templates: \(error)", at: item.mark) }
            for path in paths {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw m.error("cannot read template file \"\(path)\"", at: item.mark)
                }
                let text = String(decoding: data, as: UTF8.self)
                do {
                    _ = try Template.parse(name: path, text: text, functions: functions)
                } catch {
                    throw m.error("invalid template file \"\(path)\": \(error)", at: item.mark)
                }
                definitions += topLevelDefinitions(text)
            }
        }
        guard !definitions.isEmpty else { return "" }
        // A trailing `{{ end -}}` must not trim the field text that follows the definitions.
        definitions += "{{/**/}}"
        do {
            _ = try Template.parse(name: "templates", text: DefaultNotificationTemplates.text + definitions,
                                   functions: functions)
        } catch {
            let mark = m.node("templates")?.mark ?? m.mark
            throw m.error("templates: the template files do not combine: \(error)", at: mark)
        }
        return definitions
    }

    /// A failed `glob(3)` (a pattern matching nothing is not one: Alertmanager accepts it).
    struct GlobError: Error, CustomStringConvertible {
        var pattern: String
        var description: String { "cannot expand pattern \"\(pattern)\"" }
    }

    /// The paths `pattern` matches, sorted.
    static func expandGlob(_ pattern: String) throws(GlobError) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        let rc = glob(pattern, 0, nil, &g)
        if rc == GLOB_NOMATCH { return [] }
        guard rc == 0 else { throw GlobError(pattern: pattern) }
        var paths: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths.sorted()
    }

    /// `path` with glob metacharacters escaped, so a config directory named `a[1]` is taken literally.
    static func globEscaped(_ path: String) -> String {
        var out = ""
        for c in path {
            if "*?[\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The top-level `define`s (and `block`s, as `define`s) of a template file, back to back. Alertmanager never
    /// prints a file's top-level text (the newlines between definitions), so it must not reach the fields the
    /// definitions are prepended to. `text` must already parse.
    static func topLevelDefinitions(_ text: String) -> String {
        let b = Array(text.utf8)
        func at(_ i: Int) -> UInt8? { i < b.count ? b[i] : nil }
        func isSpace(_ c: UInt8?) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func hasPrefix(_ s: String, at i: Int) -> Bool {
            let p = Array(s.utf8)
            return i + p.count <= b.count && Array(b[i..<i + p.count]) == p
        }
        /// The index just past the quoted literal starting at `i`.
        func skipQuoted(_ i: Int) -> Int {
            let quote = b[i]
            var j = i + 1
            while j < b.count && b[j] != quote {
                if b[j] == UInt8(ascii: "\\") && quote != UInt8(ascii: "`") { j += 1 }
                j += 1
            }
            return min(j + 1, b.count)
        }
        var out: [UInt8] = []
        var depth = 0
        var start: Int?
        var i = 0
        while i + 1 < b.count {
            guard hasPrefix("{{", at: i) else { i += 1; continue }
            let open = i
            var p = i + 2
            if at(p) == UInt8(ascii: "-") && isSpace(at(p + 1)) { p += 1 }
            while isSpace(at(p)) { p += 1 }
            if hasPrefix("/*", at: p) {
                var q = p + 2
                while q + 1 < b.count && !hasPrefix("*/", at: q) { q += 1 }
                while q + 1 < b.count && !hasPrefix("}}", at: q) { q += 1 }
                i = q + 2
                continue
            }
            var q = p
            while q < b.count, (b[q] >= 0x61 && b[q] <= 0x7A) { q += 1 }
            let word = String(decoding: b[p..<q], as: UTF8.self)
            var nameRange: Range<Int>?
            while q < b.count && !hasPrefix("}}", at: q) {
                if b[q] == UInt8(ascii: "\"") || b[q] == UInt8(ascii: "`") || b[q] == UInt8(ascii: "'") {
                    let e = skipQuoted(q)
                    if nameRange == nil { nameRange = q..<e }
                    q = e
                } else {
                    q += 1
                }
            }
            let end = min(q + 2, b.count)
            switch word {
            case "define", "block", "if", "range", "with":
                if depth == 0 && word == "define" { start = open }
                if depth == 0 && word == "block", let name = nameRange {
                    // A top-level block defines its body (and would print it, which Alertmanager never does).
                    out += Array("{{define ".utf8) + b[name] + Array("}}".utf8)
                    start = end
                }
                depth += 1
            case "end":
                depth -= 1
                if depth == 0, let s = start {
                    out += b[s..<end]
                    start = nil
                }
            default:
                break
            }
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }
}
