#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming RFC 4180 reader that turns a file's bytes into records of fields.
///
/// It reads the file in chunks (1 MiB by default) and never holds more than the record being
/// read plus one chunk. Quoted fields may hold the delimiter, `""` (one quote) and line breaks
/// (CR, LF or CRLF); records end with CRLF, LF or a lone CR; a UTF-8 byte-order mark is skipped.
/// Strings are made only when a field is asked for, and only then is the field checked to be UTF-8.
///
/// Everything that comes from the file is bounded: a field's size, the number of fields in a
/// record and a record's size each have a limit that ends the file with an ``ImportIssue`` instead
/// of growing memory without end.
///
/// ```swift
/// let reader = try CSVReader(path: "plan.csv")
/// while try reader.nextRecord() {
///     print(reader.line, try reader.string(at: 0))
/// }
/// ```
///
/// Lines are counted as an editor counts them: CRLF, LF and a lone CR each end one line, also
/// inside a quoted field, so ``line`` is where a record starts and every error names the line and
/// the character where the problem is.
public final class CSVReader {
    // MARK: - Configuration

    /// The path as given; it names the file in every issue.
    public let path: String
    /// The byte that separates fields (a comma unless a mapping profile says otherwise).
    public let delimiter: UInt8
    /// The largest field, in bytes, between its quotes if it has them.
    public let maxFieldBytes: Int
    /// The most fields one record may have.
    public let maxFieldsPerRecord: Int
    /// The largest record, in bytes, including its quotes and delimiters.
    public let maxRecordBytes: Int
    /// The size of the file in bytes when it was opened (0 for a pipe).
    public let fileSize: Int

    // MARK: - Input state
    //
    // The mutable state below is marked `@exclusivity(unchecked)`: only this class's own methods
    // touch it, one at a time, and Swift's run-time check of every access (a thread-local lookup
    // each time) was a sixth of the work of decoding a million-row ledger.

    private let fileDescriptor: Int32
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Bytes of `buffer` that hold data.
    @exclusivity(unchecked) private var end = 0
    /// Where the next record starts in `buffer`.
    @exclusivity(unchecked) private var position = 0
    /// File offset of `buffer[0]`.
    @exclusivity(unchecked) private var bufferFileOffset = 0
    @exclusivity(unchecked) private var atEndOfFile = false
    /// The line on which the next record starts.
    @exclusivity(unchecked) private var nextLine = 1
    /// For each byte: whether it ends a run of plain bytes outside quotes (or inside them).
    private let stopsUnquoted: UnsafeMutablePointer<Bool>
    private let stopsQuoted: UnsafeMutablePointer<Bool>

    // MARK: - Current record

    /// The 1-based line where the current record starts.
    @exclusivity(unchecked) public private(set) var line = 0
    /// The number of fields in the current record.
    @exclusivity(unchecked) public private(set) var fieldCount = 0
    /// Where the current record starts in `buffer`; it stays there until the next call to `nextRecord`.
    @exclusivity(unchecked) private var recordStart = 0
    @exclusivity(unchecked) private var recordLine = 1
    /// Field contents as offsets from `recordStart` (inside the quotes for a quoted field).
    private let fieldStarts: UnsafeMutablePointer<Int>
    private let fieldEnds: UnsafeMutablePointer<Int>
    /// Whether the field holds `""` pairs that must be turned into single quotes.
    private let fieldHasEscapes: UnsafeMutablePointer<Bool>
    @exclusivity(unchecked) private var unescaped: [UInt8] = []

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    // MARK: - Opening

    /// Opens `path`, reads its first chunk and refuses it if it is not UTF-8.
    ///
    /// - parameter delimiter: the field separator, one ASCII byte other than a quote or a line break.
    /// - throws: ``ImportIssue`` when the file cannot be opened or is UTF-16, UTF-32, Windows-1258,
    ///   TCVN3 or another non-UTF-8 encoding.
    public convenience init(path: String, delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 1 << 20,
                            maxFieldsPerRecord: Int = 1000, maxRecordBytes: Int = 16 << 20,
                            chunkSize: Int = 1 << 20) throws(ImportIssue) {
        try self.init(path: path, descriptor: nil, delimiter: delimiter, maxFieldBytes: maxFieldBytes,
                      maxFieldsPerRecord: maxFieldsPerRecord, maxRecordBytes: maxRecordBytes, chunkSize: chunkSize)
    }

    /// Reads UTF-8 text from `descriptor` (which it then owns and closes), naming `path` in issues:
    /// the text of a file in another encoding, converted first (``TextTranscoder``).
    init(path: String, descriptor: Int32?, delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 1 << 20,
         maxFieldsPerRecord: Int = 1000, maxRecordBytes: Int = 16 << 20,
         chunkSize: Int = 1 << 20) throws(ImportIssue) {
        precondition(maxFieldBytes > 0 && maxFieldsPerRecord > 0 && chunkSize > 0, "limits are positive")
        precondition(delimiter < 0x80 && ![0, CSVReader.quote, CSVReader.lineFeed, CSVReader.carriageReturn].contains(delimiter),
                     "a delimiter is one ASCII byte other than a quote, NUL or a line break")
        self.path = path
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxFieldsPerRecord = maxFieldsPerRecord
        self.maxRecordBytes = max(maxRecordBytes, maxFieldBytes + 2)

        let descriptor = descriptor ?? open(PinnedFile.readPath(path), O_RDONLY)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ImportIssue(file: path, expected: "a readable file; it cannot be opened: \(reason)")
        }
        fileDescriptor = descriptor
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw ImportIssue(file: path, expected: "a file; this is a folder")
        }
        fileSize = (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0

        // The first chunk must hold a byte-order mark whole (UTF-32's has 4 bytes), or a tiny chunk
        // would read a UTF-8 mark as text.
        capacity = max(chunkSize, 4)
        buffer = .allocate(capacity: capacity)
        stopsUnquoted = .allocate(capacity: 256)
        stopsQuoted = .allocate(capacity: 256)
        stopsUnquoted.initialize(repeating: false, count: 256)
        stopsQuoted.initialize(repeating: false, count: 256)
        for b in [delimiter, CSVReader.quote, CSVReader.lineFeed, CSVReader.carriageReturn, 0] {
            stopsUnquoted[Int(b)] = true
        }
        for b in [CSVReader.quote, CSVReader.lineFeed, CSVReader.carriageReturn, 0] { stopsQuoted[Int(b)] = true }
        fieldStarts = .allocate(capacity: maxFieldsPerRecord)
        fieldEnds = .allocate(capacity: maxFieldsPerRecord)
        fieldHasEscapes = .allocate(capacity: maxFieldsPerRecord)

        // The first chunk decides the encoding; fill it completely unless the file is shorter.
        while end < capacity && !atEndOfFile { try readMore() }
        let verdict = EncodingCheck.inspect(UnsafeBufferPointer(start: buffer, count: end), isWholeFile: atEndOfFile)
        if let problem = verdict.problem {
            guard let index = verdict.firstInvalidIndex else { throw ImportIssue(file: path, expected: problem) }
            // Name the first byte that is not UTF-8, as an editor would place it.
            throw issue(at: index, expected: CSVReader.invalidByteText(buffer[index]) + problem.dropFirst("UTF-8 text".count))
        }
        position = verdict.byteOrderMarkLength
    }

    deinit {
        close(fileDescriptor)
        buffer.deallocate()
        stopsUnquoted.deallocate()
        stopsQuoted.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldHasEscapes.deallocate()
    }

    /// Bytes of the file read up to the end of the current record (for a progress line).
    public var bytesConsumed: Int { bufferFileOffset + position }

    // MARK: - Reading records

    /// Moves to the next record; `false` at the end of the file.
    ///
    /// - throws: ``ImportIssue`` for an unterminated quote (at the line where it opened), a quote
    ///   inside an unquoted field, text after a closing quote, a NUL byte, or a field, record or field
    ///   count over its limit. The file cannot be read further after an error.
    public func nextRecord() throws(ImportIssue) -> Bool {
        while true {
            switch try parseRecord() {
            case .record: return true
            case .endOfInput: fieldCount = 0; return false
            case .needMore: try refill()
            }
        }
    }

    /// Skips `count` physical lines (a treasury export's title lines before its header) without
    /// reading them as CSV, so that a stray quote in a title does not matter.
    public func skipLines(_ count: Int) throws(ImportIssue) {
        var skipped = 0
        while skipped < count {
            if position == end {
                if atEndOfFile { return }
                try refill()
                continue
            }
            let b = buffer[position]
            if b == CSVReader.lineFeed {
                position += 1
                skipped += 1
            } else if b == CSVReader.carriageReturn {
                if position + 1 == end && !atEndOfFile { try refill(); continue }
                position += (position + 1 < end && buffer[position + 1] == CSVReader.lineFeed) ? 2 : 1
                skipped += 1
            } else {
                position += 1
                continue
            }
            nextLine += 1
        }
    }

    /// Makes the next ``nextRecord()`` read the current record again: a header search that read
    /// one record too far gives it back.
    func unreadRecord() {
        position = recordStart
        nextLine = recordLine
    }

    /// Calls `body` with the bytes of the current record as the file writes it (quotes and
    /// delimiters included, without its line break), for a message about its separators.
    func withRecordBytes<Value>(_ body: (UnsafeBufferPointer<UInt8>) -> Value) -> Value {
        var end = position
        while end > recordStart && (buffer[end - 1] == CSVReader.lineFeed || buffer[end - 1] == CSVReader.carriageReturn) { end -= 1 }
        return body(UnsafeBufferPointer(start: buffer + recordStart, count: end - recordStart))
    }

    private enum Outcome { case record, needMore, endOfInput }

    /// Parses one record from `position`, or says that the buffer ends before the record does.
    /// Restarting after `needMore` re-reads the record from its start, which costs one record per chunk.
    private func parseRecord() throws(ImportIssue) -> Outcome {
        let buf = buffer
        let end = self.end
        let atEOF = atEndOfFile
        let start = position
        let delimiter = self.delimiter
        let quote = CSVReader.quote, lineFeed = CSVReader.lineFeed, carriageReturn = CSVReader.carriageReturn
        let stopsUnquoted = self.stopsUnquoted, stopsQuoted = self.stopsQuoted
        let delimiterWord = UInt64(delimiter) &* CSVReader.everyByte
        let maxField = maxFieldBytes
        if start == end { return atEOF ? .endOfInput : .needMore }
        recordStart = start
        recordLine = nextLine
        var i = start
        var line = nextLine
        var count = 0

        fields: while true {
            if count == maxFieldsPerRecord { throw tooManyFields(at: i) }
            let fieldStart = i
            if i < end && buf[i] == quote {
                let quoteLine = line
                i &+= 1
                let contentStart = i
                var hasEscapes = false
                scan: while true {
                    while i &+ 8 <= end && !CSVReader.stopsQuoted(inWordAt: buf + i) { i &+= 8 }
                    while i < end && !stopsQuoted[Int(buf[i])] { i &+= 1 }
                    if i &- contentStart > maxField { throw fieldTooLarge(startingAt: fieldStart, quoted: true) }
                    if i >= end {
                        if !atEOF { return .needMore }
                        throw unterminatedQuote(at: fieldStart, line: quoteLine)
                    }
                    let c = buf[i]
                    if c == quote {
                        if i &+ 1 < end {
                            if buf[i &+ 1] == quote { hasEscapes = true; i &+= 2; continue scan }
                            break scan
                        }
                        if !atEOF { return .needMore }
                        break scan
                    } else if c == lineFeed {
                        line &+= 1
                        i &+= 1
                    } else if c == carriageReturn {
                        if i &+ 1 < end {
                            i &+= buf[i &+ 1] == lineFeed ? 2 : 1
                        } else if !atEOF {
                            return .needMore
                        } else {
                            i &+= 1
                        }
                        line &+= 1
                    } else {
                        throw nulByte(at: i)
                    }
                }
                fieldStarts[count] = contentStart &- start
                fieldEnds[count] = i &- start
                fieldHasEscapes[count] = hasEscapes
                count &+= 1
                i &+= 1
                if i == end {
                    if !atEOF { return .needMore }
                    break fields
                }
                let c = buf[i]
                if c == delimiter { i &+= 1; continue fields }
                if c == lineFeed || c == carriageReturn {
                    if c == carriageReturn && i &+ 1 == end && !atEOF { return .needMore }
                    i &+= (c == carriageReturn && i &+ 1 < end && buf[i &+ 1] == lineFeed) ? 2 : 1
                    line &+= 1
                    break fields
                }
                throw textAfterClosingQuote(at: i)
            } else {
                let limit = min(end, fieldStart &+ maxField &+ 1)
                while i &+ 8 <= limit && !CSVReader.stopsUnquoted(inWordAt: buf + i, delimiter: delimiterWord) { i &+= 8 }
                while i < limit && !stopsUnquoted[Int(buf[i])] { i &+= 1 }
                if i &- fieldStart > maxField { throw fieldTooLarge(startingAt: fieldStart, quoted: false) }
                if i == end && !atEOF { return .needMore }
                fieldStarts[count] = fieldStart &- start
                fieldEnds[count] = i &- start
                fieldHasEscapes[count] = false
                count &+= 1
                if i == end { break fields }
                let c = buf[i]
                if c == delimiter { i &+= 1; continue fields }
                if c == lineFeed || c == carriageReturn {
                    if c == carriageReturn && i &+ 1 == end && !atEOF { return .needMore }
                    i &+= (c == carriageReturn && i &+ 1 < end && buf[i &+ 1] == lineFeed) ? 2 : 1
                    line &+= 1
                    break fields
                }
                if c == quote { throw strayQuote(at: i) }
                throw nulByte(at: i)
            }
        }
        fieldCount = count
        self.line = recordLine
        position = i
        nextLine = line
        return .record
    }

    // MARK: - Eight bytes at a time

    // Plain runs are skipped a word at a time: a word holds a byte that stops the run exactly when
    // one of its bytes XOR the stop byte is zero, which the classic has-a-zero-byte test answers
    // for all eight at once. The byte loop then finds which byte it is.

    private static let everyByte: UInt64 = 0x0101_0101_0101_0101

    @inline(__always)
    private static func hasZeroByte(_ v: UInt64) -> Bool {
        (v &- everyByte) & ~v & 0x8080_8080_8080_8080 != 0
    }

    /// Whether the 8 bytes at `p` hold a quote, a line break or a NUL.
    @inline(__always)
    private static func stopsQuoted(inWordAt p: UnsafeMutablePointer<UInt8>) -> Bool {
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        return hasZeroByte(w ^ (UInt64(quote) &* everyByte)) || hasZeroByte(w ^ (UInt64(lineFeed) &* everyByte))
            || hasZeroByte(w ^ (UInt64(carriageReturn) &* everyByte)) || hasZeroByte(w)
    }

    /// Whether the 8 bytes at `p` hold the delimiter (repeated in each byte of `delimiter`), a
    /// quote, a line break or a NUL.
    @inline(__always)
    private static func stopsUnquoted(inWordAt p: UnsafeMutablePointer<UInt8>, delimiter: UInt64) -> Bool {
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        return hasZeroByte(w ^ delimiter) || stopsQuoted(inWordAt: p)
    }

    // MARK: - Buffer management

    /// Keeps the unread bytes, grows the buffer if one record fills it, and reads the next chunk.
    private func refill() throws(ImportIssue) {
        if position > 0 {
            let kept = end - position
            if kept > 0 { memmove(buffer, buffer + position, kept) }
            bufferFileOffset += position
            end = kept
            // Offsets of a record are relative to its start, so they survive the move.
            recordStart -= position
            position = 0
        }
        if end == capacity {
            guard capacity < maxRecordBytes else {
                throw ImportIssue(file: path, line: nextLine, expected: "a record of at most "
                    + "\(CSVReader.sizeText(maxRecordBytes)); the record starting here is longer")
            }
            let grown = min(capacity * 2, maxRecordBytes)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity = grown
        }
        try readMore()
    }

    /// Reads once into the free end of the buffer; sets `atEndOfFile` when nothing is left.
    private func readMore() throws(ImportIssue) {
        while true {
            let n = read(fileDescriptor, buffer + end, capacity - end)
            if n > 0 { end += n; return }
            if n == 0 { atEndOfFile = true; return }
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            throw ImportIssue(file: path, line: nextLine, expected: "a readable file; reading failed: \(reason)")
        }
    }

    // MARK: - Fields of the current record

    /// Calls `body` with the bytes of field `index` (0-based), quotes removed and `""` made one `"`.
    /// The bytes are valid only inside `body`.
    public func withFieldBytes<Value, Failure: Error>(
        _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        precondition(index >= 0 && index < fieldCount, "field \(index) of a record with \(fieldCount) fields")
        let start = buffer + recordStart + fieldStarts[index]
        let count = fieldEnds[index] - fieldStarts[index]
        guard fieldHasEscapes[index] else {
            return try body(UnsafeBufferPointer(start: start, count: count))
        }
        unescaped.removeAll(keepingCapacity: true)
        // Copy the runs between quotes whole; each `""` gives one quote.
        var k = 0, run = 0
        while k < count {
            if start[k] == CSVReader.quote {
                unescaped.append(contentsOf: UnsafeBufferPointer(start: start + run, count: k + 1 - run))
                k += 2
                run = k
            } else {
                k += 1
            }
        }
        unescaped.append(contentsOf: UnsafeBufferPointer(start: start + run, count: count - run))
        return try unescaped.withUnsafeBufferPointer { bytes in Result { () throws(Failure) in try body(bytes) } }.get()
    }

    /// The byte count of field `index`'s content (quotes not counted, `""` counted twice).
    public func fieldByteCount(_ index: Int) -> Int { fieldEnds[index] - fieldStarts[index] }

    /// Whether field `index` is empty or only white space.
    public func isFieldBlank(_ index: Int) -> Bool {
        withFieldBytes(index) { Trim.whiteSpace($0).isEmpty }
    }

    /// Whether every field of the current record is blank: an empty line, or a row of empty cells
    /// such as `,,,` that spreadsheets leave behind.
    public var isBlankRecord: Bool {
        for index in 0..<fieldCount where !isFieldBlank(index) { return false }
        return true
    }

    /// Field `index` (0-based) as a string.
    ///
    /// - throws: ``ImportIssue`` naming the line and character of the first byte that is not UTF-8.
    public func string(at index: Int) throws(ImportIssue) -> String {
        let text: String? = withFieldBytes(index) { bytes in
            if UTF8Check.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            return String(validating: bytes, as: UTF8.self)
        }
        if let text { return text }
        throw invalidUTF8(inField: index)
    }

    /// Checks that field `index` is UTF-8 without making a string of it.
    ///
    /// - throws: ``ImportIssue`` naming the line and character of the first byte that is not UTF-8.
    public func checkUTF8(at index: Int) throws(ImportIssue) {
        let valid = withFieldBytes(index) { UTF8Check.isASCII($0) || UTF8Check.firstInvalidIndex($0) == nil }
        if !valid { throw invalidUTF8(inField: index) }
    }

    /// Field `index` as a string, with bytes that are not UTF-8 replaced by U+FFFD, for messages.
    func lossyString(at index: Int, maxBytes: Int = 256) -> String {
        withFieldBytes(index) { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes.prefix(maxBytes)), as: UTF8.self)
        }
    }

    // MARK: - Error reporting (cold paths)

    /// The line and character of a byte of the current record, counted from the record's start.
    private func location(ofBufferIndex target: Int) -> (line: Int, character: Int) {
        var line = recordLine
        var character = 1
        var i = recordStart
        while i < target {
            let b = buffer[i]
            if b == CSVReader.lineFeed {
                line += 1; character = 1; i += 1
            } else if b == CSVReader.carriageReturn {
                line += 1; character = 1
                i += (i + 1 < target && buffer[i + 1] == CSVReader.lineFeed) ? 2 : 1
            } else {
                if b & 0xC0 != 0x80 { character += 1 }
                i += 1
            }
        }
        return (line, character)
    }

    private func issue(at index: Int, expected: String) -> ImportIssue {
        let place = location(ofBufferIndex: index)
        return ImportIssue(file: path, line: place.line, character: place.character, expected: expected)
    }

    @inline(never)
    private func unterminatedQuote(at index: Int, line: Int) -> ImportIssue {
        issue(at: index, expected: "a closing quote for the field that opens here; the file ends inside it "
            + "(a quote is missing, or a quote inside the field is not doubled as \"\")")
    }

    @inline(never)
    private func strayQuote(at index: Int) -> ImportIssue {
        issue(at: index, expected: "no quote inside an unquoted field; to put \" in a field, quote the whole "
            + "field and double the quote, as in \"12 \"\"A\"\" street\"")
    }

    @inline(never)
    private func textAfterClosingQuote(at index: Int) -> ImportIssue {
        let found = String(decoding: UnsafeBufferPointer(start: buffer + index, count: min(4, end - index)), as: UTF8.self)
        return issue(at: index, expected: "\(CSVReader.delimiterName(delimiter)) or the end of the line after the closing quote, "
            + "found \"\(ImportIssue.escaped(String(found.prefix(1))))\"; a quote inside a quoted field is written \"\"")
    }

    @inline(never)
    private func nulByte(at index: Int) -> ImportIssue {
        issue(at: index, expected: "text, found a NUL byte (0x00); the file may be binary, damaged, or saved as UTF-16 "
            + "(in Excel use \"Save As → CSV UTF-8 (Comma delimited)\")")
    }

    @inline(never)
    private func tooManyFields(at index: Int) -> ImportIssue {
        issue(at: index, expected: "at most \(maxFieldsPerRecord) fields in a record; this record has more")
    }

    @inline(never)
    private func fieldTooLarge(startingAt index: Int, quoted: Bool) -> ImportIssue {
        var expected = "a field of at most \(CSVReader.sizeText(maxFieldBytes)); the field that starts here is longer"
        if quoted { expected += " (it opens with a quote: perhaps its closing quote is missing)" }
        return issue(at: index, expected: expected)
    }

    @inline(never)
    private func invalidUTF8(inField index: Int) -> ImportIssue {
        let start = recordStart + fieldStarts[index]
        let bytes = UnsafeBufferPointer(start: buffer + start, count: fieldEnds[index] - fieldStarts[index])
        let offset = UTF8Check.firstInvalidIndex(bytes) ?? 0
        let byte = bytes.isEmpty ? 0 : bytes[offset]
        // The file got past the check of its first chunk (or has a UTF-8 byte-order mark), so it is
        // UTF-8 elsewhere: a stray character, not a file in another encoding.
        return issue(at: start + offset, expected: CSVReader.invalidByteText(byte) + "; " + EncodingCheck.strayBytesAdvice)
    }

    /// "UTF-8 text, found the byte 0xE9, which is not UTF-8".
    static func invalidByteText(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "UTF-8 text, found the byte 0x\(hex.count < 2 ? "0" + hex : hex), which is not UTF-8"
    }

    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        switch delimiter {
        case UInt8(ascii: ","): return "a comma"
        case UInt8(ascii: ";"): return "a semicolon"
        case UInt8(ascii: "\t"): return "a tab"
        default: return "the delimiter \"\(String(UnicodeScalar(delimiter)))\""
        }
    }
}
