// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "anyun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "anyun", targets: ["anyun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // System libraries: libgcrypt for fast SM3/SM4, OpenSSL 3 for SM2.
        .systemLibrary(
            name: "CGcrypt", pkgConfig: "libgcrypt",
            providers: [.apt(["libgcrypt20-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),

        .target(name: "AnyunCore", swiftSettings: strict),
        .target(
            name: "AnyunCrypto",
            dependencies: [
                "CGcrypt", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "AnyunStore",
            dependencies: [
                "AnyunCore", "AnyunCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        .target(
            name: "Center",
            dependencies: [
                "AnyunCore", "AnyunCrypto", "AnyunStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "CenterHTTP",
            dependencies: [
                "Center", "AnyunCore", "AnyunStore", "LogAudit", "Detection",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["openapi.yaml"],
            resources: [.copy("Templates"), .copy("Static")],
            swiftSettings: strict),
        .target(
            name: "LogAudit",
            dependencies: [
                "AnyunCore", "AnyunCrypto", "CZstd",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Decoders")],
            swiftSettings: strict),
        .target(
            name: "Detection",
            dependencies: [
                "AnyunCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Rules")],
            swiftSettings: strict),
        .executableTarget(
            name: "anyun",
            dependencies: [
                "Center", "CenterHTTP", "AnyunCore", "AnyunCrypto", "AnyunStore", "LogAudit", "Detection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "anyun-bench",
            dependencies: ["AnyunCrypto", "AnyunCore", "LogAudit"],
            path: "Benchmarks/anyun-bench",
            swiftSettings: strict),

        .testTarget(name: "AnyunCoreTests", dependencies: ["AnyunCore"], swiftSettings: strict),
        .testTarget(name: "AnyunCryptoTests", dependencies: ["AnyunCrypto"], swiftSettings: strict),
        .testTarget(name: "AnyunStoreTests", dependencies: ["AnyunStore", "AnyunCore"], swiftSettings: strict),
        .testTarget(name: "CenterTests", dependencies: ["Center", "AnyunStore", "AnyunCore", "AnyunCrypto"], swiftSettings: strict),
        .testTarget(
            name: "CenterHTTPTests",
            dependencies: [
                "CenterHTTP", "Center", "AnyunStore", "AnyunCore", "AnyunCrypto",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),
        .testTarget(name: "LogAuditTests", dependencies: ["LogAudit", "AnyunCore", "AnyunCrypto"], swiftSettings: strict),
        .testTarget(
            name: "DetectionTests",
            dependencies: [
                "Detection", "AnyunCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(name: "IntegrationTests", swiftSettings: strict),
    ]
)
