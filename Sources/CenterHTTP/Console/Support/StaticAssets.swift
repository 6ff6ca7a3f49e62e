import Crypto
import Foundation
import Hummingbird

/// The console's static files, read once at start: there are few and small, and serving them
/// from memory keeps the file system out of reach of request paths.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        /// Part of the URL, so a changed file is fetched again despite long caching.
        var version: String
    }

    let files: [String: Asset]

    static func load() throws -> StaticAssets {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Static") else {
            throw ConsoleSetupError("console static files are missing from the bundle")
        }
        var files: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            let version = SHA256.hash(data: bytes).prefix(6).map { String(format: "%02x", $0) }.joined()
            files[name] = Asset(bytes: bytes, contentType: contentType(of: name), version: version)
        }
        return StaticAssets(files: files)
    }

    func url(_ name: String) -> String {
        "/static/\(name)" + (files[name].map { "?v=\($0.version)" } ?? "")
    }

    static func add(_ assets: StaticAssets, to router: Router<AppContext>) {
        router.get("static/:name") { _, context in
            guard let name = context.parameters.get("name"), let asset = assets.files[name] else {
                throw HTTPError(.notFound)
            }
            return Response(status: .ok,
                             headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=86400"],
                             body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) {
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}

/// The console cannot start: a resource is missing or a template does not parse.
struct ConsoleSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
