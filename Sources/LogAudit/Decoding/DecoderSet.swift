import Foundation

/// The decoders the centre runs on every message: the shipped files plus an operator's, compiled
/// once and indexed by app name.
///
/// Order: for an app, the decoders that name it exactly come first, then those that name a
/// prefix of it (`postgres*`), then those for any app; within each group, in load order (files
/// by name, top to bottom). A decoder that replaces another by name takes its place. The first
/// decoder that matches wins; if it has children, the first child that matches its `{body}`
/// wins instead. Nothing matching gives nil — the caller stores the line anyway.
public struct DecoderSet: Sendable {
    private let decoders: [CompiledDecoder]
    /// For each decoder, the decoders that decode its `{body}`, in order.
    private let children: [[Int]]
    private let byProgram: [String: [Int]]
    private let prefixes: [(prefix: String, index: Int)]
    private let anyProgram: [Int]

    /// Names of the active decoders, in load order.
    public var names: [String] { decoders.map(\.name) }

    /// Compiles definitions; later definitions replace earlier ones of the same name.
    public init(definitions: [DecoderDefinition]) throws {
        var ordered: [DecoderDefinition] = []
        var position: [String: Int] = [:]
        for d in definitions {
            if let p = position[d.name] { ordered[p] = d } else { position[d.name] = ordered.count; ordered.append(d) }
        }
        let disabled = Set(ordered.filter(\.disabled).map(\.name))
        var compiled: [CompiledDecoder] = []
        for d in ordered where !d.disabled { compiled.append(try CompiledDecoder(d)) }
        var index: [String: Int] = [:]
        for (i, d) in compiled.enumerated() { index[d.name] = i }
        var children = [[Int]](repeating: [], count: compiled.count)

        for i in compiled.indices {
            let d = compiled[i].definition
            guard let parent = d.parent else { continue }
            guard let p = index[parent] else {
                let why = disabled.contains(parent) ? "is disabled" : "is not defined"
                throw DecoderError(origin: d.origin, line: d.line, decoder: d.name, problem: "parent '\(parent)' \(why)")
            }
            guard compiled[p].captureNames.contains("body") else {
                throw DecoderError(origin: d.origin, line: d.line, decoder: d.name,
                                   problem: "parent '\(parent)' has no {body} capture for children to decode")
            }
            children[p].append(i)
        }
        for i in compiled.indices {
            var seen: Set<Int> = [i]
            var at = i
            while let parent = compiled[at].definition.parent, let p = index[parent] {
                guard seen.insert(p).inserted else {
                    let d = compiled[i].definition
                    throw DecoderError(origin: d.origin, line: d.line, decoder: d.name, problem: "its parents form a cycle")
                }
                at = p
            }
        }

        var exact: [String: [Int]] = [:]
        var prefixes: [(String, Int)] = []
        var anyProgram: [Int] = []
        for (i, d) in compiled.enumerated() where d.definition.parent == nil {
            let programs = d.definition.programs.map { $0.lowercased() }
            if programs.isEmpty { anyProgram.append(i); continue }
            var listed = Set<String>()
            for p in programs where listed.insert(p).inserted {
                if p.hasSuffix("*") { prefixes.append((String(p.dropLast()), i)) } else { exact[p, default: []].append(i) }
            }
        }
        var byProgram: [String: [Int]] = [:]
        for (name, list) in exact {
            byProgram[name] = list + prefixes.filter { name.hasPrefix($0.0) }.map(\.1) + anyProgram
        }
        self.decoders = compiled
        self.children = children
        self.byProgram = byProgram
        self.prefixes = prefixes.map { (prefix: $0.0, index: $0.1) }
        self.anyProgram = anyProgram
    }

    /// Decodes one message. `app` is the syslog app name (tag) as received; it is normalized
    /// (`sshd[12]`, `sshd(pam_unix)`, `/usr/sbin/sshd`, `SSHD` all mean `sshd`).
    public func decode(app: String?, message: String) -> DecodeResult? {
        let program = ProgramName.normalize(app)
        let list = candidates(program)
        guard !list.isEmpty else { return nil }
        var text = message
        return text.withUTF8 { buf -> DecodeResult? in
            var s = 0, e = buf.count
            while s < e, ByteClass.isSpace(buf[s]) { s += 1 }
            while e > s, ByteClass.isSpace(buf[e - 1]) { e -= 1 }
            for i in list {
                if let r = attempt(i, buf, s, e, inherited: [:], app: program) { return r }
            }
            return nil
        }
    }

    private func candidates(_ program: String?) -> [Int] {
        guard let program else { return anyProgram }
        if let list = byProgram[program] { return list }
        let matching = prefixes.filter { program.hasPrefix($0.prefix) }.map(\.index)
        return matching.isEmpty ? anyProgram : matching + anyProgram
    }

    private func attempt(_ i: Int, _ msg: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                         inherited: [String: String], app: String?) -> DecodeResult? {
        let d = decoders[i]
        var fields = inherited
        guard case .matched(let body) = d.apply(msg, start, end, fields: &fields, app: app) else { return nil }
        let kids = children[i]
        if let body, !kids.isEmpty {
            var s = body.lowerBound, e = body.upperBound
            while s < e, ByteClass.isSpace(msg[s]) { s += 1 }
            while e > s, ByteClass.isSpace(msg[e - 1]) { e -= 1 }
            for c in kids {
                if let r = attempt(c, msg, s, e, inherited: fields, app: app) { return r }
            }
        }
        return DecodeResult(decoder: d.name, fields: fields)
    }
}

extension DecoderSet {
    /// Parses one decoder file. Errors name the file (`origin`), the line, the decoder and the problem.
    public static func load(yaml: String, origin: String) throws -> [DecoderDefinition] {
        try DecoderFile.parse(yaml: yaml, origin: origin)
    }

    /// Every `*.yaml` / `*.yml` file of a directory, in file-name order.
    public static func load(directory: URL) throws -> [DecoderDefinition] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory.resolvingSymlinksInPath(), includingPropertiesForKeys: nil)
                .filter { ["yaml", "yml"].contains($0.pathExtension.lowercased()) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw DecoderError(origin: directory.path, problem: "cannot list the decoder directory: \(error.localizedDescription)")
        }
        var out: [DecoderDefinition] = []
        for file in files {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw DecoderError(origin: file.path, problem: "cannot read the file: \(error.localizedDescription)")
            }
            out += try load(yaml: text, origin: file.lastPathComponent)
        }
        return out
    }

    /// The decoders shipped with anyun (`Sources/LogAudit/Decoders`).
    public static func shippedDefinitions() throws -> [DecoderDefinition] {
        guard let dir = Bundle.module.url(forResource: "Decoders", withExtension: nil) else {
            throw DecoderError(origin: "Decoders", problem: "the shipped decoder folder is missing from the LogAudit bundle")
        }
        return try load(directory: dir)
    }

    public static func shipped() throws -> DecoderSet {
        try DecoderSet(definitions: shippedDefinitions())
    }

    /// The shipped decoders, then every decoder file of the operator's directory (which may
    /// replace or disable shipped decoders by name).
    public static func shipped(operatorDirectory: URL?) throws -> DecoderSet {
        var defs = try shippedDefinitions()
        if let operatorDirectory { defs += try load(directory: operatorDirectory) }
        return try DecoderSet(definitions: defs)
    }
}
