/// A fast path around `NormalizedText.normalize` for the common cell: text that is already in
/// NFC with its white space collapsed, which can become a `String` as it is.
///
/// Foundation's NFC normalisation costs microseconds per call; a million-row ledger with a
/// Vietnamese note on each row would spend seconds in it. Most cells need nothing, and this check
/// proves that from the bytes. Whatever it cannot prove goes the slow, exact way.
enum CellText {
    /// The cell as a string when its UTF-8 bytes are provably normal already: no leading, trailing
    /// or doubled space, no other white space or control character, and only characters that NFC
    /// leaves alone (below U+0300 — Latin-1, Latin Extended A and B with ơ ư đ —, the precomposed
    /// Vietnamese letters U+1E00–U+1EFF, general punctuation U+2010–U+206F and currency signs such
    /// as ₫). `nil` means "not proven": normalise it.
    static func alreadyNormal(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        isAlreadyNormal(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// Whether `bytes` are provably valid UTF-8 text in NFC with collapsed white space (see
    /// ``alreadyNormal(_:)``), so that they may be stored as they are without making a `String`.
    static func isAlreadyNormal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard n > 0, let p = bytes.baseAddress, p[0] != 0x20, p[n - 1] != 0x20 else { return false }
        var i = 0
        var previousWasSpace = false
        while i < n {
            let b0 = p[i]
            // Printable ASCII other than a space: most bytes of any cell.
            if b0 &- 0x21 < 0x5E {
                previousWasSpace = false
                i &+= 1
                continue
            }
            if b0 == 0x20 {
                if previousWasSpace { return false }
                previousWasSpace = true
                i &+= 1
                continue
            }
            if b0 < 0x80 { return false }                          // control characters and DEL
            previousWasSpace = false
            let scalar: UInt32
            if b0 & 0xE0 == 0xC0, i &+ 1 < n, p[i &+ 1] & 0xC0 == 0x80, b0 >= 0xC2 {
                scalar = UInt32(b0 & 0x1F) << 6 | UInt32(p[i &+ 1] & 0x3F)
                i &+= 2
            } else if b0 & 0xF0 == 0xE0, i &+ 2 < n, p[i &+ 1] & 0xC0 == 0x80, p[i &+ 2] & 0xC0 == 0x80 {
                scalar = UInt32(b0 & 0x0F) << 12 | UInt32(p[i &+ 1] & 0x3F) << 6 | UInt32(p[i &+ 2] & 0x3F)
                // An overlong form of a smaller character is not UTF-8: leave it to the exact path.
                guard scalar >= 0x800 else { return false }
                i &+= 3
            } else {
                return false
            }
            switch scalar {
            case 0x80...0xA0: return false                       // C1 controls, NEL, no-break space
            case 0xA1...0x2FF, 0x1E00...0x1EFF: continue
            case 0x2028, 0x2029, 0x202F, 0x205F: return false    // line/paragraph separators, narrow spaces
            case 0x2010...0x206F, 0x20A0...0x20BF: continue
            default: return false
            }
        }
        return true
    }
}

/// Trimming of white space on bytes, so that parsers need no `String`.
enum Trim {
    /// `bytes` without leading and trailing ASCII white space and no-break spaces (C2 A0).
    static func whiteSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = bytes.count
        while true {
            if start < end && isSpace(bytes[start]) { start += 1 }
            else if start + 1 < end && bytes[start] == 0xC2 && bytes[start + 1] == 0xA0 { start += 2 }
            else { break }
        }
        while true {
            if end > start && isSpace(bytes[end - 1]) { end -= 1 }
            else if end - 1 > start && bytes[end - 2] == 0xC2 && bytes[end - 1] == 0xA0 { end -= 2 }
            else { break }
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
}
