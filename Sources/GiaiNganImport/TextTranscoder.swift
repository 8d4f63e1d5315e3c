import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts a CSV file in UTF-16 or Windows-1258 to UTF-8 with the C library's iconv, chunk by
/// chunk, into an anonymous temporary file that ``CSVReader`` then reads like any other: memory
/// stays bounded whatever the file's size, and nothing is left on disk.
///
/// Windows-1258 writes Vietnamese tones as combining marks after the vowel; iconv gives them as
/// the same combining characters, and the reader composes every text cell to NFC, as it does for
/// any NFD text. No character table is written here: iconv's is the maintained one.
enum TextTranscoder {
    /// The byte-order marks that decide a UTF-16 file without asking.
    static func utf16ByteOrder(_ first: [UInt8]) -> TextEncoding? {
        guard first.count >= 2 else { return nil }
        // FF FE 00 00 is UTF-32, refused by the encoding check.
        if first[0] == 0xFF && first[1] == 0xFE && !(first.count >= 4 && first[2] == 0 && first[3] == 0) { return .utf16le }
        if first[0] == 0xFE && first[1] == 0xFF { return .utf16be }
        return nil
    }

    /// A descriptor of a temporary, already unlinked file holding `path`'s text as UTF-8 (the
    /// byte-order mark dropped), positioned at its start.
    ///
    /// - throws: ``ImportIssue`` when the file cannot be read, or holds a byte sequence that is not
    ///   `encoding`, named by its offset.
    static func utf8Copy(of path: String, from encoding: TextEncoding, skippingBytes skip: Int) throws(ImportIssue) -> Int32 {
        let input = open(PinnedFile.readPath(path), O_RDONLY)
        guard input >= 0 else {
            throw ImportIssue(file: path, expected: "a readable file; it cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        var template = Array((NSTemporaryDirectory() + "/giaingan-text-XXXXXX").utf8CString)
        let output = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard output >= 0 else {
            throw ImportIssue(file: path, expected: "room for a temporary UTF-8 copy of the file; it cannot be created: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        do throws(ImportIssue) {
            try convert(input: input, output: output, path: path, encoding: encoding, skip: skip)
        } catch {
            close(output)
            throw error
        }
        lseek(output, 0, SEEK_SET)
        return output
    }

    private static func convert(input: Int32, output: Int32, path: String, encoding: TextEncoding, skip: Int) throws(ImportIssue) {
        let converter = iconv_open("UTF-8", encoding.iconvName)
        guard converter != iconv_t(bitPattern: -1) else {
            throw ImportIssue(file: path, expected: "a conversion from \(encoding.rawValue) to UTF-8; this system's iconv has none")
        }
        defer { iconv_close(converter) }
        let chunk = 1 << 20
        var pending = [UInt8](repeating: 0, count: chunk + 16)
        var pendingCount = 0
        var out = [UInt8](repeating: 0, count: chunk * 4 + 64)
        var consumed = 0
        var toSkip = skip
        var atEnd = false
        while !atEnd {
            let n = pending.withUnsafeMutableBufferPointer { read(input, $0.baseAddress! + pendingCount, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportIssue(file: path, expected: "a readable file; reading failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { atEnd = true }
            pendingCount += n
            var start = 0
            if toSkip > 0 {
                let dropped = min(toSkip, pendingCount)
                start = dropped
                toSkip -= dropped
                consumed += dropped
            }
            let result: (left: Int, failure: Int32?) = pending.withUnsafeMutableBufferPointer { inBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + start)
                        .assumingMemoryBound(to: CChar.self)
                    var inLeft = pendingCount - start
                    while inLeft > 0 {
                        var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                            .assumingMemoryBound(to: CChar.self)
                        var outLeft = outBuffer.count
                        let r = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                        let produced = outBuffer.count - outLeft
                        if produced > 0 && !writeAll(output, outBuffer.baseAddress!, produced) { return (inLeft, ENOSPC) }
                        if r == -1 {
                            if errno == E2BIG { continue }
                            // An incomplete sequence at the end of a chunk waits for the next one.
                            if errno == EINVAL && !atEnd { return (inLeft, nil) }
                            return (inLeft, errno)
                        }
                    }
                    return (0, nil)
                }
            }
            if let failure = result.failure {
                if failure == ENOSPC {
                    throw ImportIssue(file: path, expected: "room for a temporary UTF-8 copy of the file; writing it failed (the disk may be full)")
                }
                let offset = consumed + (pendingCount - start - result.left)
                throw ImportIssue(file: path, expected: "text in \(encoding.rawValue); the bytes at offset \(offset) are not "
                    + "\(encoding.rawValue) (is the file in another encoding? without --encoding GiaiNgan reads UTF-8 and tells "
                    + "which encoding a file looks like)")
            }
            consumed += pendingCount - start - result.left
            // Keep the bytes of a sequence cut by the chunk's end.
            if result.left > 0 {
                pending.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress!
                    memmove(base, base + (pendingCount - result.left), result.left)
                }
            }
            pendingCount = result.left
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = write(descriptor, bytes + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }
}
