import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// What a file's first bytes say it is, before it is read as text.
enum FileSignature {
    case text
    /// A ZIP archive: an `.xlsx` workbook, an `.ods` spreadsheet, or another archive.
    case zip
    /// An OLE2 compound file: an Excel 97–2003 `.xls` workbook (or a password-protected `.xlsx`).
    case ole2

    /// Reads the first bytes of `path`.
    static func of(path: String) -> FileSignature {
        guard let handle = FileHandle(forReadingAtPath: PinnedFile.readPath(path)) else { return .text }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .ole2 }
        return .text
    }

    /// The advice every refusal of a spreadsheet format that GiaiNgan does not read ends with.
    static let saveAsAdvice = "open it in Excel or LibreOffice Calc and save it as .xlsx (Excel Workbook) or as CSV UTF-8, then import that file"
}

/// An `.xlsx` workbook (Office Open XML, what Excel and LibreOffice Calc save), opened with
/// ZIPFoundation: its sheets, its date system, which cell styles show dates, and its shared strings.
///
/// The small parts (relationships, the workbook, the styles) are read with Foundation's
/// `XMLParser`; the shared strings, which grow with the sheet, with ``XMLScanner``.
final class Workbook: @unchecked Sendable {
    /// One worksheet: its name as the tab shows it and its part in the archive.
    struct Sheet {
        var name: String
        var part: String
    }

    let path: String
    let archive: Archive
    /// The worksheets in tab order.
    let sheets: [Sheet]
    /// Whether dates count from 1904 (old Mac workbooks) instead of 1900.
    let uses1904Dates: Bool
    /// For each cell style (`s="N"`), whether it shows a number as a date.
    let dateStyles: [Bool]
    /// The shared strings, in the order cells refer to them.
    let sharedStrings: SharedStrings

    /// The largest small part read whole (workbook, relationships, styles).
    static let maximumSmallPartBytes = 32 << 20

    /// Opens the workbook at `path`.
    ///
    /// - throws: ``ImportIssue`` when the file is an archive but not an `.xlsx` workbook (an
    ///   `.ods` spreadsheet is named as one), or is damaged.
    init(path: String, limits: ReadOptions) throws(ImportIssue) {
        self.path = path
        do {
            archive = try Archive(url: URL(fileURLWithPath: PinnedFile.readPath(path)), accessMode: .read)
        } catch {
            throw ImportIssue(file: path, expected: "an .xlsx workbook or a CSV file; this looks like a ZIP archive "
                + "but it cannot be opened as one (\(error)): the file may be damaged or cut short")
        }
        if let mimetype = archive["mimetype"] {
            let text = String(decoding: (try? Workbook.read(mimetype, of: archive, path: path, limit: 256)) ?? [], as: UTF8.self)
            if text.contains("opendocument.spreadsheet") {
                throw ImportIssue(file: path, expected: "an .xlsx workbook or a CSV file; this is an OpenDocument spreadsheet "
                    + "(.ods), which GiaiNgan does not read: " + FileSignature.saveAsAdvice)
            }
        }
        let rootRelations = try Workbook.relationships(of: "", in: archive, path: path)
        guard let workbookPart = rootRelations.first(where: { $0.type.hasSuffix("/officeDocument") })?.target
                ?? (archive["xl/workbook.xml"] != nil ? "xl/workbook.xml" : nil) else {
            throw ImportIssue(file: path, expected: "an .xlsx workbook or a CSV file; this ZIP archive holds no workbook "
                + "(no xl/workbook.xml)")
        }
        let workbook = try Workbook.parseSmall(workbookPart, in: archive, path: path, WorkbookParser())
        let relations = try Workbook.relationships(of: workbookPart, in: archive, path: path)
        var sheets: [Sheet] = []
        for sheet in workbook.sheets {
            guard let target = relations.first(where: { $0.id == sheet.relationID })?.target else { continue }
            sheets.append(Sheet(name: sheet.name, part: target))
        }
        guard !sheets.isEmpty else {
            throw ImportIssue(file: path, expected: "a workbook with at least one worksheet; this one has none")
        }
        self.sheets = sheets
        uses1904Dates = workbook.uses1904Dates

        if let stylesPart = relations.first(where: { $0.type.hasSuffix("/styles") })?.target {
            let styles = try Workbook.parseSmall(stylesPart, in: archive, path: path, StylesParser())
            dateStyles = styles.cellFormats.map { id in
                NumberFormatKind.builtInDates.contains(id) || (styles.customFormats[id].map(NumberFormatKind.isDate(code:)) ?? false)
            }
        } else {
            dateStyles = []
        }
        if let stringsPart = relations.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target,
           let entry = archive[stringsPart] {
            sharedStrings = try SharedStrings.read(entry, part: stringsPart, of: archive, path: path,
                                                   maxStringBytes: limits.maxFieldBytes)
        } else {
            sharedStrings = SharedStrings()
        }
    }

    /// The sheet named `name` (compared like headers), or the first one.
    func sheet(named name: String?) throws(ImportIssue) -> Sheet {
        guard let name else { return sheets[0] }
        if let sheet = sheets.first(where: { HeaderKey.of($0.name) == HeaderKey.of(name) }) { return sheet }
        throw ImportIssue(file: path, expected: "a worksheet named \"\(ImportIssue.escaped(name))\" (--sheet); the workbook has "
            + sheets.map { "\"\(ImportIssue.escaped($0.name))\"" }.joined(separator: ", "))
    }

    // MARK: - Parts

    /// The whole of a small part.
    static func read(_ entry: Entry, of archive: Archive, path: String, limit: Int) throws(ImportIssue) -> [UInt8] {
        guard entry.uncompressedSize <= UInt64(limit) else {
            throw ImportIssue(file: path, expected: "a workbook part \(entry.path) of at most \(limit >> 20) MiB; it is larger")
        }
        var bytes: [UInt8] = []
        do {
            let checksum = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { data in
                bytes.append(contentsOf: data)
                if bytes.count > limit { throw CocoaError(.fileReadTooLarge) }
            }
            guard checksum == entry.checksum else { throw Archive.ArchiveError.invalidCRC32 }
        } catch {
            throw damaged(path, part: entry.path, error)
        }
        return bytes
    }

    static func damaged(_ path: String, part: String, _ error: Error) -> ImportIssue {
        ImportIssue(file: path, expected: "an intact .xlsx workbook; its part \(part) cannot be read (\(error)): the file may be "
            + "damaged or cut short; open it in a spreadsheet program and save it again")
    }

    /// Parses a small part with `XMLParser`.
    private static func parseSmall<Parser: SmallPartParser>(_ part: String, in archive: Archive, path: String,
                                                           _ parser: Parser) throws(ImportIssue) -> Parser {
        guard let entry = archive[part] else {
            throw ImportIssue(file: path, expected: "an intact .xlsx workbook; the part \(part) it names is missing")
        }
        let bytes = try read(entry, of: archive, path: path, limit: maximumSmallPartBytes)
        let xml = XMLParser(data: Data(bytes))
        xml.shouldResolveExternalEntities = false
        xml.delegate = parser
        guard xml.parse() else {
            throw ImportIssue(file: path, expected: "well-formed XML in the workbook's part \(part): "
                + "\(xml.parserError.map { "\($0.localizedDescription)" } ?? "it cannot be parsed") (the file is damaged: "
                + "open it in a spreadsheet program and save it again)")
        }
        return parser
    }

    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    /// The relationships of `part` (`""` for the package), with targets resolved to archive paths.
    private static func relationships(of part: String, in archive: Archive, path: String) throws(ImportIssue) -> [Relationship] {
        let folder = (part as NSString).deletingLastPathComponent
        let name = (part as NSString).lastPathComponent
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard archive[relsPart] != nil else { return [] }
        let parser = try parseSmall(relsPart, in: archive, path: path, RelationshipsParser())
        return parser.relationships.map { r in
            var target = r.target
            if target.hasPrefix("/") {
                target.removeFirst()
            } else {
                target = ((folder.isEmpty ? "" : folder + "/") + target as NSString).standardizingPath
                if target.hasPrefix("/") { target.removeFirst() }
            }
            return Relationship(id: r.id, type: r.type, target: target)
        }
    }
}

/// A delegate of `XMLParser` for one small part.
private protocol SmallPartParser: XMLParserDelegate {}

private final class RelationshipsParser: NSObject, SmallPartParser {
    var relationships: [Workbook.Relationship] = []
    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard element.hasSuffix("Relationship"), let id = attributes["Id"], let target = attributes["Target"] else { return }
        if attributes["TargetMode"] == "External" { return }
        relationships.append(Workbook.Relationship(id: id, type: attributes["Type"] ?? "", target: target))
    }
}

private final class WorkbookParser: NSObject, SmallPartParser {
    var sheets: [(name: String, relationID: String)] = []
    var uses1904Dates = false
    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let local = element.split(separator: ":").last.map(String.init) ?? element
        if local == "sheet", let name = attributes["name"],
           let id = attributes["r:id"] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value {
            sheets.append((name, id))
        } else if local == "workbookPr", let value = attributes["date1904"] {
            uses1904Dates = value == "1" || value.lowercased() == "true"
        }
    }
}

private final class StylesParser: NSObject, SmallPartParser {
    /// numFmtId of each `xf` of `cellXfs`, by index.
    var cellFormats: [Int] = []
    var customFormats: [Int: String] = [:]
    private var inCellFormats = false
    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let local = element.split(separator: ":").last.map(String.init) ?? element
        switch local {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellFormats = true
        case "xf" where inCellFormats: cellFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if (element.split(separator: ":").last.map(String.init) ?? element) == "cellXfs" { inCellFormats = false }
    }
}

// MARK: - Shared strings

/// The shared-string table of a workbook: every string's UTF-8 bytes in one buffer.
///
/// A sheet of a million rows with a different txn_id on each has a million strings; one buffer
/// and one offset per string keep them at their own size plus four bytes.
struct SharedStrings: Sendable {
    private(set) var bytes: [UInt8] = []
    /// The end of each string in `bytes`.
    private(set) var ends: [UInt32] = []

    var count: Int { ends.count }

    /// The bytes of string `index`.
    func withString<Value>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Value) -> Value {
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    mutating func append(_ text: [UInt8]) -> Bool {
        guard bytes.count + text.count < Int(UInt32.max) else { return false }
        bytes.append(contentsOf: text)
        ends.append(UInt32(bytes.count))
        return true
    }

    static func read(_ entry: Entry, part: String, of archive: Archive, path: String,
                     maxStringBytes: Int) throws(ImportIssue) -> SharedStrings {
        var handler = SharedStringsHandler(maxStringBytes: maxStringBytes, path: path, part: part)
        var scanner = XMLScanner(part: part, file: path)
        var failure: ImportIssue?
        do {
            let checksum = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { data in
                let result: Result<Void, ImportIssue> = data.withUnsafeBytes { raw in
                    Result { () throws(ImportIssue) in
                        try scanner.feed(raw.bindMemory(to: UInt8.self), isLast: false, into: &handler)
                    }
                }
                if case .failure(let issue) = result {
                    failure = issue
                    throw issue
                }
            }
            guard checksum == entry.checksum else { throw Archive.ArchiveError.invalidCRC32 }
            try scanner.feed(UnsafeBufferPointer(start: nil, count: 0), isLast: true, into: &handler)
        } catch {
            if let failure { throw failure }
            if let issue = error as? ImportIssue { throw issue }
            throw Workbook.damaged(path, part: part, error)
        }
        return handler.strings
    }
}

private struct SharedStringsHandler: XMLScanHandler {
    let maxStringBytes: Int
    let path: String
    let part: String
    var strings = SharedStrings()
    var current: [UInt8] = []
    var inItem = false, inText = false, phoneticDepth = 0

    init(maxStringBytes: Int, path: String, part: String) {
        self.maxStringBytes = maxStringBytes
        self.path = path
        self.part = part
    }

    mutating func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: UnsafeBufferPointer<UInt8>,
                               selfClosing: Bool) throws(ImportIssue) {
        if XMLScanner.isName(name, "si") { inItem = true; current.removeAll(keepingCapacity: true) }
        else if XMLScanner.isName(name, "t") { inText = inItem && phoneticDepth == 0 }
        else if XMLScanner.isName(name, "rPh") { phoneticDepth += 1 }
    }

    mutating func endElement(_ name: UnsafeBufferPointer<UInt8>) throws(ImportIssue) {
        if XMLScanner.isName(name, "si") {
            XMLScanner.decodeOfficeEscapes(&current, from: 0)
            guard strings.append(current) else {
                throw ImportIssue(file: path, expected: "shared strings of at most 4 GiB in all; this workbook holds more")
            }
            inItem = false
        } else if XMLScanner.isName(name, "t") {
            inText = false
        } else if XMLScanner.isName(name, "rPh") {
            phoneticDepth -= 1
        }
    }

    mutating func text(_ raw: UnsafeBufferPointer<UInt8>) throws(ImportIssue) {
        guard inText else { return }
        guard XMLScanner.appendDecoded(raw, to: &current) else {
            throw ImportIssue(file: path, expected: "well-formed XML in the workbook's part \(part): an entity reference "
                + "XML defines (&amp;, &lt;, &#…;); one is not (the file is damaged)")
        }
        try checkSize()
    }

    mutating func cdata(_ bytes: UnsafeBufferPointer<UInt8>) throws(ImportIssue) {
        guard inText else { return }
        current.append(contentsOf: bytes)
        try checkSize()
    }

    private func checkSize() throws(ImportIssue) {
        if current.count > maxStringBytes {
            throw ImportIssue(file: path, expected: "a text of at most \(CSVReader.sizeText(maxStringBytes)) in a cell; "
                + "shared string \(strings.count) is longer")
        }
    }
}
