import Foundation
import GiaiNganSHA256Accel

/// SHA-256 (FIPS 180-4), streamed: feed bytes in chunks, then read the digest.
///
/// Used to recognise a file already imported, so every import hashes its whole file before it
/// starts: speed matters. Whole 64-byte blocks are compressed straight from the caller's bytes
/// (no copy, no allocation per block), with the processor's SHA instructions where it has them
/// (`GiaiNganSHA256Accel`, x86-64 SHA-NI: 145 MB in about 0.1 s) and with the portable Swift
/// code below otherwise (about 0.45 s). Written here rather than pulling in a crypto package for
/// one hash; both paths are pinned by the FIPS test vectors and checked against each other.
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// Bytes of an incomplete block, kept between updates.
    private var pending: [UInt8] = []
    private var length: UInt64 = 0
    private let accelerated: Bool

    /// Whether this processor's SHA instructions are used.
    public static let isAccelerated = giaingan_sha256_accelerated() != 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public init() { self.init(accelerated: SHA256.isAccelerated) }

    /// A hasher that uses the processor's SHA instructions only if `accelerated` (and it has
    /// them): tests compare the two paths.
    init(accelerated: Bool) {
        self.accelerated = accelerated && SHA256.isAccelerated
        pending.reserveCapacity(64)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var i = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            i = take
            if pending.count < 64 { return }
            pending.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = (bytes.count - i) / 64
        if whole > 0 {
            compress(base + i, blocks: whole)
            i += whole * 64
        }
        if i < bytes.count { pending.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: bytes.count - i)) }
    }

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lower-case hex digits.
    public mutating func finalizeHex() -> String {
        let bitLength = length &* 8
        var pad: [UInt8] = [0x80]
        let used = Int(length % 64)
        let zeros = used < 56 ? 55 - used : 119 - used
        pad += [UInt8](repeating: 0, count: zeros)
        for shift in stride(from: 56, through: 0, by: -8) { pad.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let saved = length
        pad.withUnsafeBytes { update($0) }
        length = saved
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        for word in words {
            for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((word >> UInt32(shift)) & 0xf)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Compression

    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        if accelerated {
            withUnsafeMutableBytes(of: &state) { words in
                giaingan_sha256_blocks(words.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                       data.assumingMemoryBound(to: UInt8.self), blocks)
            }
        } else {
            compressPortably(data, blocks: blocks)
        }
    }

    /// FIPS 180-4 §6.2.2 with the message schedule in a 16-word ring on the stack.
    private mutating func compressPortably(_ data: UnsafeRawPointer, blocks: Int) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        var ring: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                   UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        SHA256.k.withUnsafeBufferPointer { kBuffer in
            let k = kBuffer.baseAddress!
            withUnsafeMutableBytes(of: &ring) { ringBytes in
                let w = ringBytes.baseAddress!.assumingMemoryBound(to: UInt32.self)
                var block = data
                for _ in 0..<blocks {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
                    }
                    var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                    for t in 0..<64 {
                        let wt: UInt32
                        if t < 16 {
                            wt = w[t]
                        } else {
                            let w15 = w[(t &- 15) & 15], w2 = w[(t &- 2) & 15]
                            let s0 = w15.rotr(7) ^ w15.rotr(18) ^ (w15 >> 3)
                            let s1 = w2.rotr(17) ^ w2.rotr(19) ^ (w2 >> 10)
                            wt = w[t & 15] &+ s0 &+ w[(t &- 7) & 15] &+ s1
                            w[t & 15] = wt
                        }
                        let s1 = e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = h &+ s1 &+ ch &+ k[t] &+ wt
                        let s0 = a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ s0 &+ maj
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                    block += 64
                }
            }
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
    }

    // MARK: - Files

    /// The SHA-256 of a file, read in 1 MiB chunks.
    public static func hexDigest(ofFile path: String) throws -> String {
        guard let f = fopen(path, "rb") else { throw StoreError.io("cannot open \(path) to compute its SHA-256") }
        defer { fclose(f) }
        var h = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        while true {
            let n = fread(chunk.baseAddress, 1, chunk.count, f)
            if n > 0 { h.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n])) }
            if n < chunk.count {
                if ferror(f) != 0 { throw StoreError.io("cannot read \(path) to compute its SHA-256") }
                break
            }
        }
        return h.finalizeHex()
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
