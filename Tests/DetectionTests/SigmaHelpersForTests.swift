import AnyunCore
@testable import Detection
import XCTest

/// Events and small rule sets for the Sigma and correlation tests.
enum TestEvents {
    /// 2023-11-14T22:13:20Z, in microseconds.
    static let t0: Int64 = 1_700_000_000_000_000

    static func at(_ seconds: Double) -> Int64 { t0 + Int64(seconds * 1_000_000) }

    static func make(app: String? = "testapp", message: String = "", fields: [String: String] = [:],
                     at seconds: Double = 0, host: String = "gov-web-01", decoder: String? = nil,
                     facility: Int? = nil, transport: LogTransport = .udp, unit: Int64? = 3, system: Int64? = 7,
                     hostID: Int64? = 42) -> LogEvent {
        LogEvent(seq: 1, time: at(seconds), received: at(seconds), transport: transport, sourceAddress: "10.0.0.5",
                 facility: facility, severity: 6, hostname: host, app: app, message: message, fields: fields,
                 decoder: decoder, unitID: unit, systemID: system, hostID: hostID)
    }

    static func sshFailure(from ip: String, user: String = "root", at seconds: Double, host: String = "gov-web-01") -> LogEvent {
        make(app: "sshd", message: "Failed password for \(user) from \(ip) port 40022 ssh2",
             fields: ["action": "login", "outcome": "failure", "user": user, "src_ip": ip, "src_port": "40022",
                      "auth_method": "password"],
             at: seconds, host: host, decoder: "sshd")
    }

    static func sshSuccess(from ip: String, user: String, at seconds: Double, host: String = "gov-web-01") -> LogEvent {
        make(app: "sshd", message: "Accepted password for \(user) from \(ip) port 40022 ssh2",
             fields: ["action": "login", "outcome": "success", "user": user, "src_ip": ip, "src_port": "40022",
                      "auth_method": "password"],
             at: seconds, host: host, decoder: "sshd")
    }
}

enum TestRules {
    /// A minimal mapping: `{product: test, service: test}` is app `testapp`.
    static let mappingYAML = """
    fields:
      SourceIp: src_ip
      User: [User, user]
    logsources:
      - logsource: {product: test, service: test}
        match:
          - app: [testapp]
      - logsource: {product: test, service: other}
        match:
          - app: [otherapp]
        fields:
          SourceIp: [client]
    """

    static func mapping() throws -> LogsourceMapping {
        try LogsourceMapping(yaml: mappingYAML, origin: "test-mapping.yaml")
    }

    /// A one-rule set from a detection section, written unindented (it is indented under `detection:`).
    static func rule(_ detection: String, logsource: String = "{product: test, service: test}") throws -> SigmaRule {
        let set = try RuleSet.load(yamlDocuments: document(detection, logsource: logsource), origin: "test.yml",
                                   mapping: try mapping())
        return try XCTUnwrap(set.rules.first, "rule skipped: \(set.skipped)")
    }

    static func document(_ detection: String, logsource: String = "{product: test, service: test}",
                         title: String = "Test rule", id: String = "00000000-0000-4000-8000-000000000001") -> String {
        let body = detection.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        return "title: \(title)\nid: \(id)\nlogsource: \(logsource)\ndetection:\n\(body)\nlevel: medium\n"
    }

    /// The load error for a document, or a failure if it loads.
    static func loadError(_ yaml: String, origin: String = "bad.yml", file: StaticString = #filePath,
                          line: UInt = #line) throws -> RuleLoadError {
        do {
            _ = try RuleSet.load(yamlDocuments: yaml, origin: origin, mapping: try mapping())
        } catch let error as RuleLoadError {
            return error
        }
        XCTFail("the rule loaded, an error was expected", file: file, line: line)
        throw XCTSkip("no error")
    }
}

extension SigmaRule {
    func matches(fields: [String: String], message: String = "") -> Bool {
        matches(TestEvents.make(message: message, fields: fields))
    }
}

/// The shipped pack, loaded once for tests that only run it.
enum ShippedPack {
    private static let loaded: Result<RuleSet, any Error> = Result { try RuleSet.shipped() }

    static func rules() throws -> RuleSet { try loaded.get() }
}
