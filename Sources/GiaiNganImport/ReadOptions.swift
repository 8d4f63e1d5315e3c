/// How to read an input file: the unit of its amounts, an optional mapping profile, the choices
/// a user can make for what a file does not say itself (separator, encoding, date order, decimal
/// separator, worksheet), and the limits that keep a hostile or broken file from exhausting memory.
public struct ReadOptions: Sendable {
    /// The unit amounts are written in; a profile's `unit` line takes precedence.
    public var unit: AmountUnit = .vnd
    /// Whether `unit` was said (`--unit`, a profile's `unit`), rather than the default: only
    /// then does it stand against a header that names its own unit ("Số tiền (triệu đồng)"),
    /// which otherwise decides.
    public var unitIsGiven = false
    /// A mapping profile for an export whose headers, words or layout differ from FORMATS.md.
    public var profile: MappingProfile? = nil
    /// The field separator of a CSV file (`--delimiter`); `nil` finds it from the header line.
    /// A profile's `delimiter` line takes precedence.
    public var delimiter: UInt8? = nil
    /// The text encoding of a CSV file (`--encoding`); `nil` reads UTF-8, or UTF-16 with a byte-order mark.
    public var encoding: TextEncoding? = nil
    /// The order of day, month and year in dates written with slashes (`--date-order`); `nil`
    /// decides it per file from its unambiguous dates.
    public var dateOrder: DateOrder? = nil
    /// The decimal separator of amounts that may have decimals (`--decimal-separator`, the
    /// million unit); `nil` decides it per file from its unambiguous amounts.
    public var decimalSeparator: DecimalSeparator? = nil
    /// The worksheet of an `.xlsx` workbook to read (`--sheet`); `nil` reads the first one.
    public var sheet: String? = nil
    /// What the file itself decided on a first reading, when that came after values had been
    /// read the other way (``ImportIssue/reread``): the importer reads the file again with it.
    public var decided = ReadDecisions()
    /// The largest field, in bytes (1 MiB by default).
    public var maxFieldBytes = 1 << 20
    /// The most fields in one record (1000 by default).
    public var maxFieldsPerRecord = 1000
    /// The largest record, in bytes (16 MiB by default).
    public var maxRecordBytes = 16 << 20

    /// Creates options; every limit must be positive.
    public init(unit: AmountUnit = .vnd, profile: MappingProfile? = nil, maxFieldBytes: Int = 1 << 20,
                maxFieldsPerRecord: Int = 1000, maxRecordBytes: Int = 16 << 20) {
        precondition(maxFieldBytes > 0 && maxFieldsPerRecord > 0 && maxRecordBytes > 0, "limits are positive")
        self.unit = unit
        self.profile = profile
        self.maxFieldBytes = maxFieldBytes
        self.maxFieldsPerRecord = maxFieldsPerRecord
        self.maxRecordBytes = maxRecordBytes
    }
}

/// What a file's own values decided about how to read it, found on a first reading.
public struct ReadDecisions: Sendable, Equatable {
    /// The date order the file's unambiguous dates showed.
    public var dateOrder: DateOrder?
    /// The decimal separator the file's unambiguous amounts showed.
    public var decimalSeparator: DecimalSeparator?

    /// Creates decisions; `nil` leaves a question open.
    public init(dateOrder: DateOrder? = nil, decimalSeparator: DecimalSeparator? = nil) {
        self.dateOrder = dateOrder
        self.decimalSeparator = decimalSeparator
    }

    /// These decisions with `other`'s added.
    public func merging(_ other: ReadDecisions) -> ReadDecisions {
        ReadDecisions(dateOrder: other.dateOrder ?? dateOrder, decimalSeparator: other.decimalSeparator ?? decimalSeparator)
    }
}

/// The order of day, month and year in a date written with slashes.
public enum DateOrder: String, Sendable, CaseIterable {
    /// Day first, `31/03/2023`: the Vietnamese convention.
    case dmy
    /// Month first, `03/31/2023`: what a spreadsheet in an en-US locale writes.
    case mdy
    /// Year first, `2023/03/31`.
    case ymd

    /// "day first", for messages.
    public var phrase: String {
        switch self {
        case .dmy: return "day first"
        case .mdy: return "month first"
        case .ymd: return "year first"
        }
    }
}

/// The character that starts the decimals of an amount.
public enum DecimalSeparator: String, Sendable, CaseIterable {
    /// `1.395,6`: dots group thousands, a comma marks decimals (Vietnamese).
    case comma = ","
    /// `1,395.6`: commas group thousands, a dot marks decimals (English).
    case dot = "."

    /// The byte of the separator.
    var byte: UInt8 { self == .comma ? UInt8(ascii: ",") : UInt8(ascii: ".") }
    /// The byte that groups thousands when this one marks decimals.
    var groupingByte: UInt8 { self == .comma ? UInt8(ascii: ".") : UInt8(ascii: ",") }
}

/// A text encoding a CSV file may be read in besides UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, with or without a byte-order mark (the default).
    case utf8 = "utf-8"
    /// Windows-1258, the Vietnamese Windows code page (tone marks as combining characters).
    case windows1258 = "windows-1258"
    /// UTF-16, little-endian, for a file without a byte-order mark.
    case utf16le = "utf-16le"
    /// UTF-16, big-endian, for a file without a byte-order mark.
    case utf16be = "utf-16be"

    /// The name iconv knows it by.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .windows1258: return "WINDOWS-1258"
        case .utf16le: return "UTF-16LE"
        case .utf16be: return "UTF-16BE"
        }
    }
}
