import Foundation
import XCTest
@testable import GiaiNganStore

final class FileDigestTests: XCTestCase {
    /// FIPS 180-4's SHA-256 examples (and the long message of its test vectors: a million "a").
    static let fipsVectors: [(message: String, sha256: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("file-digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func test_fipsVectorsReadInOneChunk() throws {
        for (i, v) in Self.fipsVectors.enumerated() {
            let path = try write(Array(v.message.utf8), "fips-\(i)")
            XCTAssertEqual(try FileDigest.sha256Hex(ofFile: path), v.sha256, "FIPS vector \(i) (\(v.message.utf8.count) bytes)")
        }
    }

    /// Chunks that end inside a 64-byte block, on its edge and one past it, and the 1 MiB chunks
    /// of real imports against a file longer than one: the digest never depends on where reads end.
    func test_fipsVectorsReadInChunksOfEverySize() throws {
        for (i, v) in Self.fipsVectors.enumerated() {
            let path = try write(Array(v.message.utf8), "fips-\(i)")
            let sizes = v.message.utf8.count > 100_000 ? [7, 64, 1000, 65_537] : [1, 3, 55, 56, 63, 64, 65, 127, 128]
            for size in sizes {
                XCTAssertEqual(try FileDigest.sha256Hex(ofFile: path, chunkBytes: size), v.sha256, "FIPS vector \(i), chunks of \(size)")
            }
        }
    }

    /// A file of 3 MiB and a bit (three whole 1 MiB reads and a short one) hashes as sha256sum does.
    func test_fileLongerThanSeveralChunksMatchesSha256sum() throws {
        let tool = "/usr/bin/sha256sum"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: tool), "needs coreutils' sha256sum")
        let bytes = (0..<(3 << 20) + 12_345).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let path = try write(bytes, "long.bin")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = try XCTUnwrap(output.split(separator: " ").first.map(String.init))
        XCTAssertEqual(expected.count, 64)
        XCTAssertEqual(try FileDigest.sha256Hex(ofFile: path), expected)
        XCTAssertEqual(try FileDigest.sha256Hex(ofFile: path, chunkBytes: 4096), expected)
    }

    func test_missingFileIsAnIOErrorNamingIt() throws {
        let path = folder.appendingPathComponent("no-such-file.csv").path
        XCTAssertThrowsError(try FileDigest.sha256Hex(ofFile: path)) { error in
            guard case StoreError.io(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains(path), message)
            XCTAssertTrue(message.contains("cannot open"), message)
        }
    }

    /// A folder opens but cannot be read: that is an error, not the digest of nothing.
    func test_unreadableFileIsAnIOErrorNotTheEmptyDigest() throws {
        XCTAssertThrowsError(try FileDigest.sha256Hex(ofFile: folder.path)) { error in
            guard case StoreError.io(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains(self.folder.path), message)
        }
    }
}
