import Foundation

/// Where the rule pack shipped with the module lives (`Sources/Detection/Rules`, copied as is).
enum ShippedRules {
    static var directory: URL? {
        Bundle.module.url(forResource: "Rules", withExtension: nil)
    }
}
