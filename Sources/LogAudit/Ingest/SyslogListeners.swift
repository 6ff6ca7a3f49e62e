import AnyunCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how the centre listens for syslog.
public struct SyslogListenerConfiguration: Sendable {
    public var udp: [SocketAddressSpec] = []
    public var tcp: [SocketAddressSpec] = []
    public var tls: [SocketAddressSpec] = []
    /// PEM files for the TLS listener (RFC 5425); a client CA turns on mutual TLS.
    public var tlsCertificate: String?
    public var tlsPrivateKey: String?
    public var tlsClientCA: String?
    /// Longer messages are cut and flagged (`truncated`).
    public var maxMessageBytes = 64 * 1024
    public var maxConnections = 4_096
    /// A connection that sends nothing for this long is closed (a sender that stalls mid-frame).
    public var idleTimeoutSeconds: Int64 = 300
    public var highWater = 20_000
    public var lowWater = 5_000

    public init() {}
}

/// A host and port as written in `anyun.yaml` or on the command line (`127.0.0.1:5514`, `[::1]:5514`).
public struct SocketAddressSpec: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":"), let port = Int(trimmed[trimmed.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(trimmed[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public enum SyslogListenerError: Error, CustomStringConvertible {
    case tlsNeedsCertificate
    case cannotBind(String, String)

    public var description: String {
        switch self {
        case .tlsNeedsCertificate: "a syslog TLS listener needs syslog.tls_certificate and syslog.tls_private_key"
        case .cannotBind(let address, let reason): "cannot listen for syslog on \(address): \(reason)"
        }
    }
}

/// The running syslog listeners; `boundAddresses` tells the actual ports (when 0 was asked for).
public final class SyslogListeners: Sendable {
    public let boundUDP: [SocketAddressSpec]
    public let boundTCP: [SocketAddressSpec]
    public let boundTLS: [SocketAddressSpec]
    private let channels: [any Channel]

    private init(channels: [any Channel], udp: [SocketAddressSpec], tcp: [SocketAddressSpec], tls: [SocketAddressSpec]) {
        self.channels = channels
        boundUDP = udp
        boundTCP = tcp
        boundTLS = tls
    }

    public static func start(configuration: SyslogListenerConfiguration, interpreter: any FrameInterpreter,
                             writer: IngestWriter, stats: IngestStats,
                             group: MultiThreadedEventLoopGroup = .singleton,
                             clock: @escaping @Sendable () -> Int64 = { LogEvent.microseconds(Date()) }) async throws -> SyslogListeners {
        var channels: [any Channel] = []
        var udp: [SocketAddressSpec] = [], tcp: [SocketAddressSpec] = [], tls: [SocketAddressSpec] = []
        do {
            for spec in configuration.udp {
                let channel = try await bind(spec) {
                    try await DatagramBootstrap(group: group)
                        .channelOption(.socketOption(.so_reuseaddr), value: 1)
                        .channelOption(.socketOption(.so_rcvbuf), value: 8 * 1024 * 1024)
                        .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                        .channelOption(.datagramVectorReadMessageCount, value: 64)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(SyslogUDPHandler(
                                    interpreter: interpreter, writer: writer, stats: stats,
                                    maxFrameBytes: configuration.maxMessageBytes, clock: clock))
                            }
                        }
                        .bind(host: spec.host, port: spec.port).get()
                }
                // Above net.core.rmem_max only with CAP_NET_ADMIN; without it the smaller buffer stays.
                _ = try? await channel.setOption(
                    ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: SO_RCVBUFFORCE)),
                    value: 8 * 1024 * 1024).get()
                channels.append(channel)
                udp.append(bound(channel, spec))
            }
            let sslContext = try configuration.tls.isEmpty ? nil : makeSSLContext(configuration)
            for (spec, isTLS) in configuration.tcp.map({ ($0, false) }) + configuration.tls.map({ ($0, true) }) {
                let channel = try await bind(spec) {
                    try await streamBootstrap(configuration: configuration, ssl: isTLS ? sslContext : nil,
                                              interpreter: interpreter, writer: writer, stats: stats, group: group, clock: clock)
                        .bind(host: spec.host, port: spec.port).get()
                }
                channels.append(channel)
                if isTLS { tls.append(bound(channel, spec)) } else { tcp.append(bound(channel, spec)) }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        return SyslogListeners(channels: channels, udp: udp, tcp: tcp, tls: tls)
    }

    private static func bind(_ spec: SocketAddressSpec, _ open: () async throws -> any Channel) async throws -> any Channel {
        do {
            return try await open()
        } catch let error as SyslogListenerError {
            throw error
        } catch {
            throw SyslogListenerError.cannotBind(spec.description, "\(error)")
        }
    }

    private static func bound(_ channel: any Channel, _ spec: SocketAddressSpec) -> SocketAddressSpec {
        SocketAddressSpec(host: spec.host, port: channel.localAddress?.port ?? spec.port)
    }

    private static func streamBootstrap(configuration: SyslogListenerConfiguration, ssl: NIOSSLContext?,
                                        interpreter: any FrameInterpreter, writer: IngestWriter, stats: IngestStats,
                                        group: MultiThreadedEventLoopGroup,
                                        clock: @escaping @Sendable () -> Int64) -> ServerBootstrap {
        let limits = SyslogStreamHandler.Limits(maxFrameBytes: configuration.maxMessageBytes,
                                                highWater: configuration.highWater, lowWater: configuration.lowWater)
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 65_536, maximum: 262_144))
            .childChannelInitializer { channel in
                guard stats.connectionOpened(limit: configuration.maxConnections) else {
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in stats.connectionClosed() }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let ssl { try pipeline.addHandler(NIOSSLServerHandler(context: ssl)) }
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .seconds(configuration.idleTimeoutSeconds)))
                    try pipeline.addHandler(SyslogStreamHandler(
                        interpreter: interpreter, writer: writer, stats: stats, transport: ssl == nil ? .tcp : .tls,
                        limits: limits, clock: clock))
                }
            }
    }

    private static func makeSSLContext(_ configuration: SyslogListenerConfiguration) throws -> NIOSSLContext {
        guard let certificate = configuration.tlsCertificate, let key = configuration.tlsPrivateKey else {
            throw SyslogListenerError.tlsNeedsCertificate
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        if let ca = configuration.tlsClientCA {
            tls.trustRoots = .file(ca)
            tls.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: tls)
    }

    public func stop() async {
        for channel in channels { try? await channel.close() }
    }
}
