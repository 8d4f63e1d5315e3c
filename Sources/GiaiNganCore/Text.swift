import Foundation

/// Text normalisation shared by every layer: names arrive in NFC and NFD forms, with stray
/// spaces, tabs and non-breaking spaces. Two spellings that differ only there are one name.
public enum NormalizedText {
    /// NFC-normalises `text`, collapses every run of white space to one space, and trims.
    ///
    /// ```swift
    /// NormalizedText.normalize("Ban  QLDA\u{00A0}Cà Mau ") == "Ban QLDA Cà Mau"
    /// ```
    public static func normalize(_ text: String) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        var out = String()
        out.reserveCapacity(nfc.utf8.count)
        var pendingSpace = false
        for ch in nfc {
            if ch.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(ch)
            }
        }
        return out
    }

    /// A key for loose matching of what a person types: normalised, lower-cased, with
    /// Vietnamese diacritics and đ folded, so "ban qlda ca mau" finds "Ban QLDA Cà Mau".
    public static func searchKey(_ text: String) -> String {
        normalize(text).replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}

/// The identity of an investor (chủ đầu tư): its normalised name.
extension NormalizedText {
    /// A file-name and URL form of a name: ASCII letters and digits joined by single dashes,
    /// lower case, at most 80 characters, never empty, no path separators.
    ///
    /// Different names can fold to one slug ("UBND huyện Năm Căn" and "UBND huyen Nam Can", "Ban C"
    /// and "Ban -C"): the store makes each investor's slug unique once, when the investor is first
    /// recorded, and keeps it (see `Store.investorKeys()`).
    public static func slug(_ text: String) -> String {
        let folded = searchKey(text)
        var out = ""
        var dash = false
        for u in folded.unicodeScalars {
            if (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || (u >= "A" && u <= "Z") {
                out.unicodeScalars.append(u)
                dash = false
            } else if !dash && !out.isEmpty {
                out += "-"
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        if out.count > 80 { out = String(out.prefix(80)) }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "investor" : out.lowercased()
    }
}

public struct InvestorID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let name: String
    /// Normalises `name`; NFC and NFD spellings give the same identity.
    public init(_ name: String) { self.name = NormalizedText.normalize(name) }
    public var description: String { name }
    public static func < (a: InvestorID, b: InvestorID) -> Bool { a.name < b.name }
    public init(from decoder: Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(name) }
}
