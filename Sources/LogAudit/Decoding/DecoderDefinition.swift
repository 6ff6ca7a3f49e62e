/// One decoder as written in a YAML file, before it is compiled. See `Decoders/README.md` for
/// the format; `DecoderSet.load(yaml:origin:)` produces these and checks them.
public struct DecoderDefinition: Sendable, Equatable {
    /// Unique within the set; a later definition with the same name replaces an earlier one.
    public var name: String
    /// The file it came from, for error messages.
    public var origin: String
    /// The line of the file where the decoder starts.
    public var line: Int?
    /// App names it applies to (lowercase; `prefix*` for a prefix); empty means any app.
    /// Children take their parent's programs.
    public var programs: [String]
    /// The decoder whose `{body}` capture this one decodes.
    public var parent: String?
    /// Text that must occur in the message before any pattern is tried.
    public var prematch: String?
    /// Alternative dissect patterns, tried in order.
    public var patterns: [String]
    /// An NSRegularExpression with named groups, instead of patterns.
    public var regex: String?
    public var kv: KeyValueOptions?
    public var json: JSONOptions?
    public var join: [JoinRule]
    public var rename: [RenameRule]
    public var parse: [FieldParse]
    public var map: [FieldMap]
    public var set: [FieldAssignment]
    /// Fields removed at the end (helpers a template used, noise).
    public var drop: [String]
    /// Removes a decoder of the same name loaded earlier (an operator switching a shipped one off).
    public var disabled: Bool

    public init(name: String, origin: String = "(code)", line: Int? = nil, programs: [String] = [],
                parent: String? = nil, prematch: String? = nil, patterns: [String] = [], regex: String? = nil,
                kv: KeyValueOptions? = nil, json: JSONOptions? = nil, join: [JoinRule] = [],
                rename: [RenameRule] = [], parse: [FieldParse] = [], map: [FieldMap] = [],
                set: [FieldAssignment] = [], drop: [String] = [], disabled: Bool = false) {
        self.name = name
        self.origin = origin
        self.line = line
        self.programs = programs
        self.parent = parent
        self.prematch = prematch
        self.patterns = patterns
        self.regex = regex
        self.kv = kv
        self.json = json
        self.join = join
        self.rename = rename
        self.parse = parse
        self.map = map
        self.set = set
        self.drop = drop
        self.disabled = disabled
    }
}

/// `kv:` — key=value pairs, as auditd, PAM, iptables and nginx's error log write them.
public struct KeyValueOptions: Sendable, Equatable {
    /// The capture to parse (it is not kept as a field); nil means the whole message.
    public var from: String?
    /// Between pairs; nil means any run of spaces or tabs.
    public var separator: String?
    public var assign: String
    /// Keys whose (quoted) value is itself a list of pairs, merged in (auditd's `msg='…'`).
    public var expand: [String]
    /// Field that collects tokens without a value (iptables' `DF`, `SYN`), space separated.
    public var bare: String?
    /// Keys whose unquoted value is hex-encoded text (auditd); `*` matches any text, `#` a number.
    public var hex: [String]
    /// Values that mean "unknown" and are dropped, like auditd's `?`.
    public var absent: [String]

    public init(from: String? = nil, separator: String? = nil, assign: String = "=", expand: [String] = [],
                bare: String? = nil, hex: [String] = [], absent: [String] = []) {
        self.from = from
        self.separator = separator
        self.assign = assign
        self.expand = expand
        self.bare = bare
        self.hex = hex
        self.absent = absent
    }
}

/// `json:` — the message (or a capture) is a JSON object; nested keys are joined with dots.
public struct JSONOptions: Sendable, Equatable {
    public var from: String?
    public init(from: String? = nil) { self.from = from }
}

/// `join: {command: "a#"}` — the values of fields matching `keys`, in numeric order, joined.
public struct JoinRule: Sendable, Equatable {
    public var field: String
    public var keys: String
    public var separator: String
    public init(field: String, keys: String, separator: String = " ") {
        self.field = field
        self.keys = keys
        self.separator = separator
    }
}

/// `rename: {acct: user, rhost: [src_ip:ip, src_host], "fields.*": "*"}` — the first target whose
/// type accepts the value wins; a value no target accepts keeps its name.
public struct RenameRule: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public init(from: String, to: [String]) {
        self.from = from
        self.to = to
    }
}

/// `parse: {request: "{http_method:word} {url} {http_version:word}"}` — split a field further;
/// on a match the field is replaced by the captures, otherwise it is kept as it is.
public struct FieldParse: Sendable, Equatable {
    public var field: String
    public var patterns: [String]
    public init(field: String, patterns: [String]) {
        self.field = field
        self.patterns = patterns
    }
}

/// `map: {outcome: {from: res, values: {success: success, failed: failure}}}` — set a field from
/// a table lookup on the first present `from` field (default: the field itself). A value mapped
/// to "" removes the field; `default` applies when a source is present but not in the table.
public struct FieldMap: Sendable, Equatable {
    public var field: String
    public var from: [String]
    public var values: [String: String]
    public var defaultValue: String?
    public init(field: String, from: [String] = [], values: [String: String], defaultValue: String? = nil) {
        self.field = field
        self.from = from
        self.values = values
        self.defaultValue = defaultValue
    }
}

/// `set: {action: login, service: "{app}"}` — a constant or a template over fields; a template
/// that names a missing field sets nothing.
public struct FieldAssignment: Sendable, Equatable {
    public var field: String
    public var value: String
    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

/// What a decoder made of a message.
public struct DecodeResult: Sendable, Equatable {
    public var decoder: String
    public var fields: [String: String]
    public init(decoder: String, fields: [String: String]) {
        self.decoder = decoder
        self.fields = fields
    }
}

/// A decoder file or definition that cannot be used, with where and why.
public struct DecoderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var origin: String
    public var line: Int?
    public var decoder: String?
    public var problem: String

    public init(origin: String, line: Int? = nil, decoder: String? = nil, problem: String) {
        self.origin = origin
        self.line = line
        self.decoder = decoder
        self.problem = problem
    }

    public var description: String {
        var s = origin
        if let line { s += ":\(line)" }
        if let decoder { s += ": decoder '\(decoder)'" }
        return s + ": " + problem
    }
}

#if canImport(Foundation)
import Foundation
extension DecoderError: LocalizedError {
    public var errorDescription: String? { description }
}
#endif
