#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Turns the bytes of a file an operator uploads into text. Excel on Chinese Windows saves CSV
/// as GBK (or GB18030); other tools save UTF-8 with or without a byte-order mark.
public enum TextDecoding {
    public enum Encoding: String, Sendable { case utf8 = "UTF-8", gb18030 = "GB18030" }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> (text: String, encoding: Encoding) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            throw Failure(description: "不支持 UTF-16 编码，请另存为 UTF-8 或 GBK (UTF-16 is not supported; save as UTF-8 or GBK)")
        }
        if let text = String(validating: body, as: UTF8.self) { return (text, .utf8) }
        // GB18030 is a superset of GBK and GB2312, so one decoder reads all three.
        guard let text = iconvDecode(Array(body), from: "GB18030") else {
            throw Failure(description: "文件既不是 UTF-8 也不是 GBK/GB18030 编码 (neither valid UTF-8 nor GBK/GB18030)")
        }
        return (text, .gb18030)
    }

    /// GB18030 bytes of a text, for files exported to Excel users who ask for GBK.
    public static func encodeGB18030(_ text: String) -> [UInt8]? {
        convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
    }

    static func iconvDecode(_ bytes: [UInt8], from encoding: String) -> String? {
        guard let utf8 = convert(bytes, from: encoding, to: "UTF-8") else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }

    /// A strict conversion: an invalid or incomplete sequence fails the whole conversion.
    static func convert(_ input: [UInt8], from: String, to: String) -> [UInt8]? {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var source = input
        let ok = source.withUnsafeMutableBufferPointer { inBuf -> Int? in
            output.withUnsafeMutableBufferPointer { outBuf -> Int? in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outLeft = outBuf.count
                let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                guard result != -1, inLeft == 0 else { return nil }
                return outBuf.count - outLeft
            }
        }
        guard let written = ok else { return nil }
        return Array(output.prefix(written))
    }
}
