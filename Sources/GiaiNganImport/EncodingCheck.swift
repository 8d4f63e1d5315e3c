/// Recognises, from a file's first bytes, the encodings that are not UTF-8 but that Vietnamese
/// offices still produce, so that the user is told what the file is and how to convert it
/// instead of being shown mojibake or a stray-byte error on line 1.
///
/// The guess for 8-bit encodings is a heuristic over byte patterns; it only chooses the wording
/// of the message. Any non-UTF-8 file is refused either way.
enum EncodingCheck {
    /// What the first bytes say about a file.
    struct Verdict: Equatable {
        /// Bytes of a UTF-8 byte-order mark to skip (0 or 3).
        var byteOrderMarkLength = 0
        /// Why the file cannot be read, phrased to follow "expected", or `nil` when it looks like UTF-8.
        var problem: String?
        /// For a file refused as not UTF-8: the index of its first byte that is not UTF-8, so that
        /// the message can name the line and character (a UTF-16 file has none: it is refused whole).
        var firstInvalidIndex: Int?
    }

    /// The conversion hint shared by every refusal.
    static func conversionAdvice(from iconvName: String) -> String {
        "convert it to UTF-8: in Excel use \"Save As → CSV UTF-8 (Comma delimited)\", "
            + "or run: iconv -f \(iconvName) -t UTF-8 in.csv > out.csv"
    }

    // MARK: - Inspection

    /// Inspects the first bytes of a file. `isWholeFile` says whether `bytes` is the entire file,
    /// so that a multi-byte character cut at the end of a longer sample is not taken for an error.
    static func inspect(_ bytes: UnsafeBufferPointer<UInt8>, isWholeFile: Bool) -> Verdict {
        let n = bytes.count
        func starts(with prefix: [UInt8]) -> Bool {
            n >= prefix.count && prefix.indices.allSatisfy { bytes[$0] == prefix[$0] }
        }
        if starts(with: [0xEF, 0xBB, 0xBF]) { return Verdict(byteOrderMarkLength: 3) }
        if starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            return refusal("UTF-32 little-endian (it starts with the byte-order mark FF FE 00 00)", iconv: "UTF-32LE")
        }
        if starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            return refusal("UTF-32 big-endian (it starts with the byte-order mark 00 00 FE FF)", iconv: "UTF-32BE")
        }
        if starts(with: [0xFF, 0xFE]) {
            return refusal("UTF-16 little-endian (it starts with the byte-order mark FF FE)", iconv: "UTF-16LE")
        }
        if starts(with: [0xFE, 0xFF]) {
            return refusal("UTF-16 big-endian (it starts with the byte-order mark FE FF)", iconv: "UTF-16BE")
        }
        if let utf16 = utf16WithoutMark(bytes) { return utf16 }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            return Verdict(problem: "UTF-8 text; the file is a spreadsheet workbook, not text: " + FileSignature.saveAsAdvice)
        }
        let checkedCount = isWholeFile ? n : UTF8Check.lengthWithoutCutCharacter(bytes)
        let sample = UnsafeBufferPointer(rebasing: bytes[0..<checkedCount])
        guard let invalid = UTF8Check.firstInvalidIndex(sample) else { return Verdict() }
        var verdict = UTF8Check.isMostlyUTF8(sample) ? Verdict(problem: "UTF-8 text; " + strayBytesAdvice) : legacyGuess(bytes)
        verdict.firstInvalidIndex = invalid
        return verdict
    }

    /// For a file that is UTF-8 except for a few bytes: a character pasted from a program that
    /// wrote it in a legacy encoding. Converting the whole file would garble the rest of it.
    static let strayBytesAdvice = "the rest of the file is UTF-8, so this character probably came from a program "
        + "that wrote it in a legacy encoding (Windows-1252 or Windows-1258): retype it and save the file as CSV UTF-8; "
        + "do not convert the whole file, which would garble the text that is right"

    /// UTF-16 text without a byte-order mark shows as ASCII letters with a NUL byte beside each.
    private static func utf16WithoutMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Verdict? {
        let pairs = min(bytes.count, 4096) / 2
        guard pairs >= 2 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for k in 0..<pairs {
            if bytes[2 * k] == 0 { evenZeros += 1 }
            if bytes[2 * k + 1] == 0 { oddZeros += 1 }
        }
        if oddZeros * 10 >= pairs * 3 && evenZeros * 10 < pairs {
            return refusal("UTF-16 little-endian without a byte-order mark (every other byte is NUL)", iconv: "UTF-16LE",
                           option: "utf-16le")
        }
        if evenZeros * 10 >= pairs * 3 && oddZeros * 10 < pairs {
            return refusal("UTF-16 big-endian without a byte-order mark (every other byte is NUL)", iconv: "UTF-16BE",
                           option: "utf-16be")
        }
        return nil
    }

    /// Tells Windows-1258 from TCVN3 (ABC) by their most frequent Vietnamese letters.
    ///
    /// TCVN3 puts ă â ê ô ơ ư đ at A8–AE, where Windows-1258 has rare symbols (¨ © ª « ¬ soft-hyphen ®);
    /// Windows-1258 writes tones as combining marks (CC, EC, D2, DE, F2) after a vowel and has
    /// â ê ô ơ ư đ ă at E2 EA F4 F5 FD F0 E3.
    static func legacyGuess(_ bytes: UnsafeBufferPointer<UInt8>) -> Verdict {
        var tcvnLetters = 0, windowsMarks = 0, windowsLetters = 0, high = 0
        let vowels: Set<UInt8> = Set(Array("aeiouyAEIOUY".utf8) + [0xE2, 0xEA, 0xF4, 0xF5, 0xFD, 0xE3, 0xC2, 0xCA, 0xD4, 0xD5, 0xDD, 0xC3])
        var previous: UInt8 = 0
        for b in bytes.prefix(1 << 16) {
            if b >= 0x80 { high += 1 }
            switch b {
            case 0xA8...0xAE: tcvnLetters += 1
            case 0xCC, 0xEC, 0xD2, 0xDE, 0xF2: if vowels.contains(previous) { windowsMarks += 1 }
            case 0xE2, 0xEA, 0xF4, 0xF5, 0xFD, 0xF0, 0xE3: windowsLetters += 1
            default: break
            }
            previous = b
        }
        if tcvnLetters > 0 && tcvnLetters * 10 >= high {
            return Verdict(problem: "UTF-8 text; the file looks like Vietnamese in TCVN3 (ABC, .VnTime fonts), "
                + "a legacy 8-bit encoding: convert it to UTF-8 with Unikey's converter (TCVN3 → Unicode), "
                + "or run: iconv -f TCVN5712-1 -t UTF-8 in.csv > out.csv, or in Excel use "
                + "\"Save As → CSV UTF-8 (Comma delimited)\" after converting the fonts")
        }
        if windowsMarks + windowsLetters > 0 {
            return refusal("Vietnamese in Windows-1258 (a legacy 8-bit Windows encoding)", iconv: "WINDOWS-1258",
                           option: "windows-1258")
        }
        return refusal("a legacy 8-bit encoding (its bytes are not valid UTF-8; Windows-1258 or TCVN3 are common)",
                       iconv: "WINDOWS-1258", option: "windows-1258")
    }

    private static func refusal(_ what: String, iconv: String, option: String? = nil) -> Verdict {
        var problem = "UTF-8 text; the file looks like \(what): " + conversionAdvice(from: iconv)
        if let option { problem += "; or import it as it is with --encoding \(option)" }
        return Verdict(problem: problem)
    }
}

/// UTF-8 validation that says where the first bad byte is, which the standard library does not.
enum UTF8Check {
    /// The index of the first byte that does not belong to a valid UTF-8 sequence, or `nil`.
    static func firstInvalidIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = bytes[i + 1]
            guard b1 >= lower && b1 <= upper else { return i }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// Whether `bytes` reads as UTF-8 text with a few stray bytes: it holds valid multi-byte
    /// characters (Vietnamese letters), and more of them than bytes that are not UTF-8. A file in
    /// Windows-1258 or TCVN3 almost never forms a valid multi-byte UTF-8 sequence by chance.
    static func isMostlyUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var valid = 0, invalid = 0
        var i = 0
        let n = bytes.count
        while i < n {
            if bytes[i] < 0x80 { i += 1; continue }
            let length = bytes[i] >= 0xF0 ? 4 : bytes[i] >= 0xE0 ? 3 : 2
            if i + length <= n, firstInvalidIndex(UnsafeBufferPointer(rebasing: bytes[i..<i + length])) == nil {
                valid += 1
                i += length
            } else {
                invalid += 1
                i += 1
            }
        }
        return valid >= 2 && valid > invalid
    }

    /// `bytes.count`, less the bytes of a multi-byte character cut short at the very end.
    static func lengthWithoutCutCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        var k = n - 1
        var back = 0
        while k >= 0 && back < 3 && bytes[k] & 0xC0 == 0x80 { k -= 1; back += 1 }
        guard k >= 0 else { return n }
        let lead = bytes[k]
        let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return needed > back + 1 ? k : n
    }

    /// Whether every byte is ASCII (the fast path that needs no validation or normalisation).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        var accumulated: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            accumulated |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n { accumulated |= UInt64(base[i]); i += 1 }
        return accumulated & 0x8080_8080_8080_8080 == 0
    }
}
