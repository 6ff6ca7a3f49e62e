import AnyunCrypto

/// The AnyunCrypto primitives, each on 16 KiB and 1 MiB buffers, plus SM2 operation rates.
struct CryptoSuite {
    static let bufferSizes = [16 * 1024, 1024 * 1024]

    let secondsPerCase: Double

    func run() throws -> [Result] {
        print("# libgcrypt \(CryptoBackends.libgcryptVersion), \(CryptoBackends.openSSLVersion), \(secondsPerCase)s per case")
        let measure = Measure(seconds: secondsPerCase)
        let key = SM4Key.random()
        let iv = [UInt8](repeating: 0x24, count: 16)
        let macKey = [UInt8](repeating: 0x42, count: 32)
        var sink = Sink()
        var results: [Result] = []

        for size in Self.bufferSizes {
            let buffer = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
            let cbcCiphertext = try SM4.CBC.encrypt(buffer, using: key, iv: iv)
            let sealed = try SM4.GCM.seal(buffer, using: key)
            results += [
                measure.throughput(name: "sm3", bytes: size) { sink.take(SM3.hash(buffer)) },
                measure.throughput(name: "hmac-sm3", bytes: size) { sink.take(HMACSM3.authenticate(buffer, key: macKey)) },
                try measure.throughput(name: "sm4-cbc-encrypt", bytes: size) {
                    sink.take(try SM4.CBC.encrypt(buffer, using: key, iv: iv))
                },
                try measure.throughput(name: "sm4-cbc-decrypt", bytes: size) {
                    sink.take(try SM4.CBC.decrypt(cbcCiphertext, using: key, iv: iv))
                },
                try measure.throughput(name: "sm4-ctr", bytes: size) {
                    sink.take(try SM4.CTR.encrypt(buffer, using: key, counter: iv))
                },
                try measure.throughput(name: "sm4-gcm-seal", bytes: size) {
                    sink.take(try SM4.GCM.seal(buffer, using: key).tag)
                },
                try measure.throughput(name: "sm4-gcm-open", bytes: size) {
                    sink.take(try SM4.GCM.open(sealed, using: key))
                },
            ]
        }

        let signingKey = try SM2PrivateKey.generate()
        let message = [UInt8](repeating: 0x61, count: 32)
        let signature = try signingKey.sign(message)
        let ciphertext = try signingKey.publicKey.encrypt(message)
        results += [
            try measure.operations(name: "sm2-sign") { sink.take(Array(try signingKey.sign(message))) },
            measure.operations(name: "sm2-verify") {
                sink.take([signingKey.publicKey.isValidSignature(signature, for: message) ? 1 : 0])
            },
            try measure.operations(name: "sm2-encrypt-32B") { sink.take(Array(try signingKey.publicKey.encrypt(message))) },
            try measure.operations(name: "sm2-decrypt-32B") { sink.take(Array(try signingKey.decrypt(ciphertext))) },
        ]
        sink.publish()
        return results
    }
}

/// Folds outputs into a value that is printed, so the optimiser cannot drop the work.
struct Sink {
    private var accumulator: UInt8 = 0

    mutating func take(_ bytes: [UInt8]) {
        accumulator ^= bytes.first ?? 0
    }

    func publish() {
        print("# sink \(accumulator)")
    }
}
