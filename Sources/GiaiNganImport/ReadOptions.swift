/// How to read an input file: the unit of its amounts, an optional mapping profile, and the limits
/// that keep a hostile or broken file from exhausting memory.
public struct ReadOptions: Sendable {
    /// The unit amounts are written in; a profile's `unit` line takes precedence.
    public var unit: AmountUnit = .vnd
    /// A mapping profile for an export whose headers, words or layout differ from FORMATS.md.
    public var profile: MappingProfile? = nil
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
