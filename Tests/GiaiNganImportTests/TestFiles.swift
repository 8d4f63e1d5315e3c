import Foundation
import XCTest
@testable import GiaiNganImport

/// A temporary folder for one test's files, removed when the test ends.
final class TestFiles {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("giaingan-import-tests-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `bytes` to a file named `name` and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let url = directory.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    /// Writes `text` as UTF-8 (no BOM) and returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, bytes: Array(text.utf8)) }
}

/// The issue `body` throws, or a test failure when it throws none (or something else).
func thrownIssue(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> ImportIssue? {
    do {
        try body()
        XCTFail("expected an ImportIssue, none was thrown", file: file, line: line)
    } catch let issue as ImportIssue {
        return issue
    } catch {
        XCTFail("expected an ImportIssue, got \(error)", file: file, line: line)
    }
    return nil
}

/// The value error `body` throws, or a test failure when it throws none (or something else).
func thrownValueError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> ValueError? {
    do {
        try body()
        XCTFail("expected a ValueError, none was thrown", file: file, line: line)
    } catch let error as ValueError {
        return error
    } catch {
        XCTFail("expected a ValueError, got \(error)", file: file, line: line)
    }
    return nil
}

/// Every record of a CSV file as arrays of strings, with the line each starts on.
func records(_ path: String, chunkSize: Int = 1 << 20, delimiter: UInt8 = UInt8(ascii: ",")) throws(ImportIssue) -> [(line: Int, fields: [String])] {
    let reader = try CSVReader(path: path, delimiter: delimiter, chunkSize: chunkSize)
    var out: [(Int, [String])] = []
    while try reader.nextRecord() {
        var fields: [String] = []
        for i in 0..<reader.fieldCount { fields.append(try reader.string(at: i)) }
        out.append((reader.line, fields))
    }
    return out
}
