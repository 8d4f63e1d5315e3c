/// Where ``TableReader`` takes its rows from: a CSV file (``CSVReader``) or a worksheet of an
/// `.xlsx` workbook (``SheetReader``). Both give a record as fields of UTF-8 bytes, so that every
/// cell of either goes through the same decoding and the same validation.
///
/// ``TableReader`` is written once, generic over this protocol, and specialised for each source:
/// the CSV path compiles to the code it had before there were two sources.
protocol RowSource: AnyObject {
    /// Moves to the next record; `false` at the end.
    func nextRecord() throws(ImportIssue) -> Bool
    /// Makes the next ``nextRecord()`` deliver the current record again.
    func unreadRecord()
    /// The line (the row of a worksheet) of the current record.
    var line: Int { get }
    /// The number of fields of the current record.
    var fieldCount: Int { get }
    /// Whether every field of the current record is blank.
    var isBlankRecord: Bool { get }
    /// Whether field `index` is empty or only white space.
    func isFieldBlank(_ index: Int) -> Bool
    /// Calls `body` with the bytes of field `index`.
    func withFieldBytes<Value, Failure: Error>(
        _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Value
    ) throws(Failure) -> Value
    /// Field `index` as a string; bytes that are not UTF-8 are an issue.
    func string(at index: Int) throws(ImportIssue) -> String
    /// The byte count of field `index`.
    func fieldByteCount(_ index: Int) -> Int
    /// Checks that field `index` is UTF-8.
    func checkUTF8(at index: Int) throws(ImportIssue)
    /// Field `index` for a message, cut to `maxBytes`.
    func lossyString(at index: Int, maxBytes: Int) -> String
    /// Whether field `index` is a number cell of a worksheet, written as a plain decimal with a
    /// `.` (CSV fields never are: their numbers are text, read by the file's conventions).
    func isNumeric(_ index: Int) -> Bool
    /// The worksheet's name, `nil` for a CSV file.
    var sheetName: String? { get }
    /// Bytes read so far, for a progress line.
    var bytesConsumed: Int { get }
    /// The size of the input in bytes.
    var fileSize: Int { get }
    /// Tells the source how many columns the header has: a worksheet row may leave out its empty
    /// cells at the end, which CSV cannot.
    func setTableWidth(_ width: Int)
}

extension CSVReader: RowSource {
    @inline(__always) func isNumeric(_ index: Int) -> Bool { false }
    var sheetName: String? { nil }
    func setTableWidth(_ width: Int) {}
}

/// Spreadsheet column letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
enum ColumnLetters {
    static func of(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(UnicodeScalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }
}
