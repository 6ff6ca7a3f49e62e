import Yams

/// Small readers over Yams nodes that keep scalars as the text the author wrote (so `on`, `yes`
/// or `010` stay strings) and report problems with a line number.
extension Node {
    var line: Int? { mark.map { $0.line } }

    /// The text of a scalar, nil for mappings, sequences and YAML null.
    var text: String? {
        guard case .scalar(let s) = self, !isNull else { return nil }
        return s.string
    }

    var isNull: Bool {
        guard case .scalar(let s) = self else { return false }
        return s.style == .plain && tag.rawValue == Tag.Name.null.rawValue
    }

    var isPlainNumber: Bool {
        guard case .scalar(let s) = self, s.style == .plain else { return false }
        return tag.rawValue == Tag.Name.int.rawValue || tag.rawValue == Tag.Name.float.rawValue
    }

    var isPlainBool: Bool {
        guard case .scalar(let s) = self, s.style == .plain else { return false }
        return tag.rawValue == Tag.Name.bool.rawValue
    }

    var pairs: [(key: String, value: Node)]? {
        guard case .mapping(let m) = self else { return nil }
        return m.map { (key: $0.key.text ?? "", value: $0.value) }
    }

    var items: [Node]? {
        guard case .sequence(let s) = self else { return nil }
        return Array(s)
    }

    subscript(key name: String) -> Node? {
        guard case .mapping(let m) = self else { return nil }
        for (k, v) in m where k.text == name { return v }
        return nil
    }

    /// A string or a list of strings, as a list.
    var stringList: [String]? {
        if let t = text { return [t] }
        guard let items else { return nil }
        var out: [String] = []
        for item in items {
            guard let t = item.text else { return nil }
            out.append(t)
        }
        return out
    }
}
