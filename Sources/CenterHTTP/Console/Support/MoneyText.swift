import AnyunCore

extension Fen {
    /// Yuan with thousands separators ("248,992.10") for reading; forms and CSV keep `yuanText`.
    var groupedYuan: String {
        let text = yuanText
        let negative = text.hasPrefix("-")
        let parts = text.dropFirst(negative ? 1 : 0).split(separator: ".", maxSplits: 1)
        var whole = Array(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + String(whole.suffix(3)) + grouped
            whole.removeLast(3)
        }
        return (negative ? "-" : "") + String(whole) + grouped + (parts.count == 2 ? "." + parts[1] : "")
    }
}
