/// `kv:` compiled: splits `key=value` pairs on UTF-8 bytes. Values may be quoted with `"` or `'`
/// (then they may hold spaces and separators); tokens without an `=` are skipped or collected.
struct KeyValueParser: Sendable {
    let from: String?
    let separator: [UInt8]?
    /// The separator without its spaces, for skipping between pairs after spaces are skipped.
    let separatorCore: [UInt8]?
    let assign: [UInt8]
    let expand: Set<String>
    let bare: String?
    let hex: KeyGlob
    let absent: Set<String>

    init(_ o: KeyValueOptions) {
        from = o.from
        separator = o.separator.map { Array($0.utf8) }
        let core = Array((o.separator ?? "").utf8.drop(while: ByteClass.isSpace).reversed().drop(while: ByteClass.isSpace).reversed())
        separatorCore = core.isEmpty ? nil : core
        assign = Array(o.assign.utf8)
        expand = Set(o.expand)
        bare = o.bare
        hex = KeyGlob(o.hex)
        absent = Set(o.absent)
    }

    /// Adds the pairs of `b[start..<end]` to `fields`; returns how many it found.
    @discardableResult
    func parse(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into fields: inout [String: String], depth: Int = 0) -> Int {
        var count = 0
        var bareTokens: [String] = []
        var i = start
        separator.withUnsafeBufferPointerIfSome { sep in
          separatorCore.withUnsafeBufferPointerIfSome { core in
            assign.withUnsafeBufferPointer { asg in
                while i < end {
                    while i < end, ByteClass.isSpace(b[i]) { i += 1 }
                    if let core, ByteSearch.hasPrefix(core, in: b, at: i, end: end) {
                        i += core.count
                        continue
                    }
                    guard i < end else { break }
                    let keyStart = i
                    while i < end, ByteClass.isKeyByte(b[i]) { i += 1 }
                    if i > keyStart, ByteSearch.hasPrefix(asg, in: b, at: i, end: end) {
                        let key = String(decoding: UnsafeBufferPointer(rebasing: b[keyStart..<i]), as: UTF8.self)
                        i += asg.count
                        var vs = i, ve = i, quoted = false
                        if i < end, b[i] == 0x22 || b[i] == 0x27 {
                            let q = b[i]
                            vs = i + 1
                            ve = vs
                            while ve < end, b[ve] != q { ve += 1 }
                            i = min(ve + 1, end)
                            quoted = true
                        } else if let sep {
                            while i < end, b[i] == 0x20 { i += 1 }
                            vs = i
                            ve = ByteSearch.first(sep, in: b, from: i, maxStart: end - sep.count) ?? end
                            // A separator is also ended by the end of a line's trailing spaces.
                            while ve > vs, ByteClass.isSpace(b[ve - 1]) { ve -= 1 }
                            i = ve
                        } else {
                            while ve < end, !ByteClass.isSpace(b[ve]) { ve += 1 }
                            i = ve
                        }
                        count += emit(key, b, vs, ve, quoted: quoted, into: &fields, depth: depth)
                    } else {
                        // Not a pair: skip to the next separator or space.
                        var j = i
                        while j < end, !ByteClass.isSpace(b[j]) {
                            if let sep, ByteSearch.hasPrefix(sep, in: b, at: j, end: end) { break }
                            j += 1
                        }
                        if j == keyStart { j += 1 }
                        if bare != nil, depth == 0 {
                            bareTokens.append(String(decoding: UnsafeBufferPointer(rebasing: b[keyStart..<j]), as: UTF8.self))
                        }
                        i = j
                    }
                }
            }
          }
        }
        if let bare, !bareTokens.isEmpty { fields[bare] = bareTokens.joined(separator: " ") }
        return count
    }

    private func emit(_ key: String, _ b: UnsafeBufferPointer<UInt8>, _ vs: Int, _ ve: Int, quoted: Bool,
                      into fields: inout [String: String], depth: Int) -> Int {
        guard ve > vs else { return 1 }
        if quoted, depth < 2, expand.contains(key) {
            return 1 + parse(b, vs, ve, into: &fields, depth: depth + 1)
        }
        let raw = UnsafeBufferPointer(rebasing: b[vs..<ve])
        if !quoted, !hex.isEmpty, hex.matches(key), let text = Self.hexText(raw) {
            if !text.isEmpty { fields[key] = text }
            return 1
        }
        let value = String(decoding: raw, as: UTF8.self)
        if !absent.contains(value) { fields[key] = value }
        return 1
    }

    /// auditd writes a value that holds spaces, quotes or control bytes as hex; NULs separate
    /// the arguments of a proctitle and become spaces.
    static func hexText(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard raw.count >= 2, raw.count % 2 == 0, raw.allSatisfy(ByteClass.isHex) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count / 2)
        var i = 0
        while i < raw.count {
            let v = nibble(raw[i]) << 4 | nibble(raw[i + 1])
            out.append(v == 0 ? 0x20 : v)
            i += 2
        }
        while out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        ByteClass.isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10
    }
}

extension Optional where Wrapped == [UInt8] {
    func withUnsafeBufferPointerIfSome<R>(_ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch self {
        case .some(let a): return a.withUnsafeBufferPointer { body($0) }
        case .none: return body(nil)
        }
    }
}
