/// One problem found while importing a file, pinned to the place where it was found.
///
/// Its description reads like a compiler message, so that an editor can jump to it:
///
/// ```text
/// disbursements.csv:7: column "amount_vnd" (5): value "12.34.567": expected a whole VND amount …
/// disbursements.csv:12:9: expected a comma or the end of the line after the closing quote, found "x"
/// plan.csv: expected UTF-8 text; the file looks like UTF-16 little-endian …
/// ```
///
/// Structural problems (encoding, quoting, limits, header) are thrown and end the file; problems
/// with one value come back in ``DecodedRow/issues`` so that a caller can list many before
/// refusing the whole file (at most ``maximumListed`` is a sensible cap).
public struct ImportIssue: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file the problem is in, as the caller named it (a data file or a mapping profile).
    public var file: String
    /// The 1-based line, as an editor counts, where the record (or profile line) starts.
    public var line: Int?
    /// The column's header as the file writes it, when the problem belongs to one column.
    public var column: String?
    /// The 1-based number of that column in the file.
    public var columnNumber: Int?
    /// The offending value, already cut to ``maximumValueCharacters`` characters.
    public var value: String?
    /// What was expected, phrased to follow the word "expected", with the reason after a `;`.
    public var expected: String
    /// The 1-based character position on ``line`` (as an editor counts), for problems found in the
    /// CSV structure itself, such as a stray quote.
    public var character: Int?
    /// The worksheet, for a problem in an `.xlsx` workbook.
    public var sheet: String?
    /// The cell reference (`C17`), for a problem in one cell of a worksheet.
    public var cell: String?
    /// Set when the problem is that the file decided a reading (a date order, a decimal separator)
    /// only after values had been read the other way: the import reads the file again with it.
    /// Not part of the message.
    public var reread: ReadDecisions?

    // MARK: - Limits

    /// How many issues a caller should list before it stops reading a file.
    public static let maximumListed = 50
    /// How many characters of an offending value an issue keeps: a 10 MB field must not make a
    /// 10 MB message.
    public static let maximumValueCharacters = 60

    // MARK: - Creating issues

    /// Creates an issue; `value` is cut to ``maximumValueCharacters`` characters (an ellipsis marks the cut).
    public init(file: String, line: Int? = nil, character: Int? = nil, column: String? = nil,
                columnNumber: Int? = nil, value: String? = nil, expected: String) {
        self.file = file
        self.line = line
        self.character = character
        self.column = column.map { ImportIssue.shortened($0) }
        self.columnNumber = columnNumber
        self.value = value.map { ImportIssue.shortened($0) }
        self.expected = expected
    }

    /// `text` cut to ``maximumValueCharacters`` characters, with "…" where it was cut.
    static func shortened(_ text: String) -> String {
        var count = 0
        var index = text.startIndex
        while index < text.endIndex {
            if count == maximumValueCharacters { return String(text[..<index]) + "…" }
            count += 1
            index = text.index(after: index)
        }
        return text
    }

    // MARK: - Rendering

    /// `FILE:LINE: column "NAME" (N): value "VALUE": expected WHAT`, with the parts that apply;
    /// in a workbook `FILE:LINE: sheet "NAME", cell C17: column …`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let character { text += ":\(character)" }
        }
        text += ":"
        if let sheet {
            text += " sheet \"\(ImportIssue.escaped(sheet))\""
            if let cell { text += ", cell \(cell)" }
            text += ":"
        }
        if let column {
            text += " column \"\(ImportIssue.escaped(column))\""
            if let columnNumber { text += " (\(columnNumber))" }
            text += ":"
        } else if let columnNumber {
            text += " column \(columnNumber):"
        }
        if let value { text += " value \"\(ImportIssue.escaped(value))\":" }
        return text + " expected " + expected
    }

    /// `text` with control characters, backslashes and quotes escaped so that a message stays on
    /// one line and shows what is really there.
    static func escaped(_ text: String) -> String {
        var out = String()
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFEFF {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
