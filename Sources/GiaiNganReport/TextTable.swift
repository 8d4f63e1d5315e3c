/// A plain-text table with aligned columns, for terminals and e-mails.
public struct TextTable {
    public enum Align { case left, right }
    public var headers: [String]
    public var aligns: [Align]
    public var rows: [[String]] = []
    /// Cells longer than this are cut with "…".
    public var maxWidth: Int

    public init(headers: [String], aligns: [Align], maxWidth: Int = 44) {
        precondition(headers.count == aligns.count)
        self.headers = headers
        self.aligns = aligns
        self.maxWidth = maxWidth
    }

    public mutating func add(_ row: [String]) {
        precondition(row.count == headers.count)
        rows.append(row.map { cut($0) })
    }

    func cut(_ s: String) -> String {
        Format.width(s) <= maxWidth ? s : String(s.prefix(maxWidth - 1)) + "…"
    }

    public func render(indent: String = "  ") -> String {
        let all = [headers.map(cut)] + rows
        let widths = headers.indices.map { i in all.map { Format.width($0[i]) }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                parts.append(Format.pad(c, widths[i], right: aligns[i] == .right))
            }
            var s = indent + parts.joined(separator: "  ")
            // Trailing spaces: found on the bytes when what precedes them is ASCII (then each
            // space is a character of its own); otherwise character by character.
            let trailing = s.utf8.reversed().prefix { $0 == UInt8(ascii: " ") }.count
            if trailing > 0, s.utf8.dropLast(trailing).last.map({ $0 < 0x80 }) ?? true {
                return String(s.utf8.dropLast(trailing))!
            }
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(all[0])]
        out.append(indent + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }
}
