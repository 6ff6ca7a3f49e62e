/// The `logsource` of a Sigma rule: which kind of log it reads.
public struct SigmaLogsource: Sendable, Hashable, CustomStringConvertible {
    public var product: String?
    public var category: String?
    public var service: String?

    public init(product: String? = nil, category: String? = nil, service: String? = nil) {
        self.product = product?.lowercased()
        self.category = category?.lowercased()
        self.service = service?.lowercased()
    }

    public var description: String {
        let parts = [("product", product), ("category", category), ("service", service)]
            .compactMap { key, value in value.map { "\(key): \($0)" } }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    var isEmpty: Bool { product == nil && category == nil && service == nil }
}
