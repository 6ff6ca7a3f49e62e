import Foundation

/// The tokens of a text for full-text search: SQLite FTS5's `unicode61` tokenizer
/// (remove_diacritics 1), except that every Chinese character and kana is a token of its own.
///
/// What unicode61 does, measured against the SQLite the store links (3.40):
/// - token characters are letters, numbers and private-use characters (Unicode classes L*, N*,
///   Co) of its Unicode 6.1 tables, plus every code point those tables do not know (so newer
///   emoji such as U+1F926 are token characters, older ones such as U+1F600 are not); all else
///   separates tokens, `_` included (`src_ip` is `src` `ip`);
/// - tokens are case-folded (simple folding, Basic Multilingual Plane and Deseret only) and Latin
///   letters with one accent lose it (`Déjà` → `deja`); a few combining accents inside a token are
///   dropped, other combining marks separate;
/// - a NUL ends the text: nothing after it is indexed (ingest replaces NULs anyway).
///
/// unicode61 has no word segmentation, so a run of Han characters with the Latin letters touching
/// it is ONE token there, and a search for `公安` would not find `市公安局`. Here each Han
/// character and each hiragana or katakana is a token (`isSplitCharacter`): "市公安局 用户admin登录失败"
/// gives 市 公 安 局 用 户 admin 登 录 失 败, and a word of Chinese is a phrase of its characters,
/// which the search confirms as consecutive — any part of a Chinese text is found, as people
/// expect. Hangul stays in words (Korean separates them with spaces).
/// `QueryUnicode61Tests` checks this against FTS5 for every code point; another SQLite build
/// (other Unicode tables) could differ.
enum Unicode61Tokens {
    static func tokens(of text: String) -> [String] {
        if let ascii = asciiTokens(of: text) { return ascii }
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var inToken = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{0}" { break } // SQLite reads text as C strings: nothing after a NUL is indexed
            if isSplitCharacter(scalar) {
                if inToken { tokens.append(String(current)) }
                current = String.UnicodeScalarView()
                inToken = false
                tokens.append(String(fold(scalar)))
            } else if isTokenCharacter(scalar) {
                current.append(fold(scalar))
                inToken = true
            } else if inToken, isCombiningAccent(scalar) {
                continue // part of the token, folded away
            } else if inToken {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
                inToken = false
            }
        }
        if inToken { tokens.append(String(current)) }
        return tokens
    }

    /// The tokens of ASCII text straight from its bytes (most log lines); nil for other text.
    private static func asciiTokens(of text: String) -> [String]? {
        var tokens: [String] = []
        let handled = forEachASCIIToken(of: text) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        return handled ? tokens : nil
    }

    /// The same tokens as UTF-8 bytes, without making a `String` of each when the text is ASCII
    /// (the common case at ingest, where this runs for every event).
    static func forEachToken(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !forEachASCIIToken(of: text, body) else { return }
        for var token in tokens(of: text) {
            token.withUTF8 { body($0) }
        }
    }

    /// Calls `body` with each token when the text is ASCII and returns true; false (and no
    /// calls) otherwise.
    private static func forEachASCIIToken(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return false }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { token in
                var length = 0
                for byte in bytes {
                    if byte == 0 { break }
                    if ByteClass.isAlpha(byte) {
                        token[length] = byte | 0x20 // lower case
                        length += 1
                    } else if ByteClass.isDigit(byte) {
                        token[length] = byte
                        length += 1
                    } else if length > 0 {
                        body(UnsafeBufferPointer(rebasing: token[..<length]))
                        length = 0
                    }
                }
                if length > 0 { body(UnsafeBufferPointer(rebasing: token[..<length])) }
            }
            return true
        }
    }

    /// Han ideographs (unified, extensions, compatibility) and kana letters: a token each.
    static func isSplitCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F:
            isTokenCharacter(scalar)
        default: false
        }
    }

    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        if let measured = categoryChangedSince61[scalar.value] { return measured }
        guard knownToSQLite(scalar) else { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    /// The combining accents unicode61 keeps inside a token (and folds away): a fixed subset of
    /// U+0300–U+0331. Other combining marks separate tokens.
    static func isCombiningAccent(_ scalar: Unicode.Scalar) -> Bool {
        combiningAccents.contains(scalar.value)
    }

    private static let combiningAccents: Set<UInt32> = Set(
        Array(0x300...0x304) + Array(0x306...0x30C) + [0x30F, 0x311, 0x31B]
            + Array(0x323...0x328) + [0x32D, 0x32E, 0x330, 0x331])

    /// SQLite's character tables were built from Unicode 6.1 (measured: U+061C, new in 6.3, and
    /// U+20BA, new in 6.2, are unknown to it). It treats characters unknown to it as token
    /// characters and leaves their case alone.
    static func knownToSQLite(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < 6 || (age.major == 6 && age.minor <= sqliteUnicodeMinor)
    }

    static let sqliteUnicodeMinor = 1

    /// Characters whose class changed after Unicode 6.1 (or that SQLite singles out), with what
    /// unicode61 does with them.
    private static let categoryChangedSince61: [UInt32: Bool] = {
        var table: [UInt32: Bool] = [0x1885: true, 0x1886: true, 0x1CF2: false, 0x1CF3: false, 0x19C8: false, 0x19C9: false,
                                        0xFFFE: false, 0xFFFF: false]
        for scalar in UInt32(0x19B0)...0x19C0 { table[scalar] = false }
        return table
    }()

    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
        }
        guard knownToSQLite(scalar), scalar.value < 0x10000 || (0x10400...0x1044F).contains(scalar.value) else {
            return scalar
        }
        let folded = caseFolded(scalar)
        return removingDiacritic(knownToSQLite(folded) ? folded : scalar)
    }

    /// Simple case folding (µ → μ, ſ → s, ς → σ), which is what unicode61 applies: the lower case
    /// of the upper case where both are single characters, else the lower case.
    private static func caseFolded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value == 0x131 { return scalar } // dotless ı has no simple case folding
        let upper = scalar.properties.uppercaseMapping.unicodeScalars
        if upper.count == 1, let u = upper.first, knownToSQLite(u),
           let lower = u.properties.lowercaseMapping.unicodeScalars.first,
           u.properties.lowercaseMapping.unicodeScalars.count == 1 {
            return lower
        }
        return scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
    }

    /// A Latin letter with accents becomes its plain letter; others stay as they are.
    private static func removingDiacritic(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard scalar.value >= 0xC0, scalar.value < 0x2000 else { return scalar }
        let parts = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
        guard let base = parts.first, parts.count == 2, base.isASCII, base.properties.isAlphabetic,
              parts.dropFirst().allSatisfy(isCombiningAccent) else { return scalar }
        return base
    }
}
