import Foundation
import XCTest
@testable import GiaiNganStore

final class SHA256Tests: XCTestCase {
    func hex(_ s: String) -> String { var h = SHA256(); h.update(Array(s.utf8)); return h.finalizeHex() }

    func test_fipsVectors() {
        XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(hex(String(repeating: "a", count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func test_chunkedUpdatesEqualOneUpdate() {
        let text = Array(String(repeating: "Giải ngân vốn đầu tư công, ", count: 300).utf8)
        var one = SHA256(); one.update(text)
        var many = SHA256()
        var i = 0
        for size in [1, 63, 64, 65, 7, 500, 1000] where i < text.count {
            let end = min(text.count, i + size); many.update(text[i..<end]); i = end
        }
        many.update(text[i...])
        XCTAssertEqual(one.finalizeHex(), many.finalizeHex())
    }

    /// The processor's SHA instructions and the portable Swift code agree on every length and
    /// every way of cutting the input into updates (on a machine without SHA-NI both are Swift).
    func test_acceleratedAndPortablePathsAgree() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1000, 4096, 65_537, 70_000] {
            var fast = SHA256(accelerated: true), portable = SHA256(accelerated: false)
            var i = 0, step = 1
            while i < length {
                let end = min(length, i + step)
                data[i..<end].withUnsafeBytes { fast.update($0) }
                data[i..<end].withUnsafeBytes { portable.update($0) }
                i = end
                step = step * 3 + 1
            }
            XCTAssertEqual(fast.finalizeHex(), portable.finalizeHex(), "length \(length)")
        }
    }

    func test_fileDigestEqualsInMemoryDigest() throws {
        let path = NSTemporaryDirectory() + "sha-\(UUID().uuidString).bin"
        let bytes = [UInt8]((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var h = SHA256(accelerated: false)
        h.update(bytes)
        XCTAssertEqual(try SHA256.hexDigest(ofFile: path), h.finalizeHex())
    }
}
