import Crypto
import Foundation
import GiaiNganImport

/// The SHA-256 of a file, by which an import recognises a file it has seen before.
///
/// Every import hashes its whole file before it starts, so speed matters. swift-crypto's `SHA256`
/// does the hashing (BoringSSL's assembly on Linux, which uses the processor's SHA instructions
/// where it has them; CryptoKit on Apple's systems), fed the file in 1 MiB chunks, so memory stays
/// the same whatever the file's size.
///
/// ```swift
/// let sha = try FileDigest.sha256Hex(ofFile: "disbursements-2023-h1.csv")   // 64 hex digits
/// ```
public enum FileDigest {
    /// The SHA-256 of the file at `path` as 64 lower-case hex digits.
    ///
    /// - throws: `StoreError.io` naming the file when it cannot be opened or read.
    public static func sha256Hex(ofFile path: String) throws -> String {
        try sha256Hex(ofFile: path, chunkBytes: 1 << 20)
    }

    /// The same, read `chunkBytes` at a time: the tests cut files at every kind of boundary.
    static func sha256Hex(ofFile path: String, chunkBytes: Int) throws -> String {
        guard let file = fopen(PinnedFile.readPath(path), "rb") else {
            throw StoreError.io("cannot open \(path) to compute its SHA-256: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var hasher = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, chunkBytes), alignment: 64)
        defer { chunk.deallocate() }
        while true {
            let count = fread(chunk.baseAddress, 1, chunk.count, file)
            if count > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<count])) }
            if count < chunk.count {
                if ferror(file) != 0 {
                    throw StoreError.io("cannot read \(path) to compute its SHA-256: \(String(cString: strerror(errno)))")
                }
                break
            }
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex digits of a digest, two per byte.
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * SHA256.Digest.byteCount)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
