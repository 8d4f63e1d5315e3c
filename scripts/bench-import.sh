#!/usr/bin/env bash
# Measures the import layer's speed on a generated 1M-row, ~156 MB disbursements file.
#
#   bash scripts/bench-import.sh            # builds in release mode and prints rows/s
#
# It builds a throwaway package in $BENCH_DIR (default /tmp/giaingan-bench) whose targets are
# symlinks to this checkout's GiaiNganCore and GiaiNganImport sources plus a small `bench`
# executable, so nothing in the repository changes. The generated file is kept for later runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/giaingan-bench}"
mkdir -p "$BENCH_DIR/Sources/bench"
ln -sfn "$ROOT/Sources/GiaiNganCore" "$BENCH_DIR/Sources/GiaiNganCore"
ln -sfn "$ROOT/Sources/GiaiNganImport" "$BENCH_DIR/Sources/GiaiNganImport"
cat > "$BENCH_DIR/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "bench", platforms: [.macOS(.v13)],
    targets: [.target(name: "GiaiNganCore"), .target(name: "GiaiNganImport", dependencies: ["GiaiNganCore"]),
              .executableTarget(name: "bench", dependencies: ["GiaiNganImport", "GiaiNganCore"])],
    swiftLanguageModes: [.v6])
SWIFT
cat > "$BENCH_DIR/Sources/bench/main.swift" <<'SWIFT'
import Foundation
import GiaiNganCore
import GiaiNganImport

let args = CommandLine.arguments
let path = args.count > 1 ? args[1] : "/tmp/giaingan-bench/ledger-1m.csv"
let rows = 1_000_000
if !FileManager.default.fileExists(atPath: path) {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let h = FileHandle(forWritingAtPath: path)!
    var chunk = "\u{FEFF}txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\r\n"
    let types = ["payment", "advance", "advance_recovery", "refund", "thanh toán"]
    for i in 1...rows {
        let note = i % 10 == 0 ? "\"Thanh toán đợt \(i % 7), gói thầu \"\"XL-0\(i % 9)\"\" (khối lượng hoàn thành)\""
                               : "Thanh toán khối lượng hoàn thành đợt \(i % 7) gói thầu số \(i % 13) công trình"
        chunk += "KB2023-\(String(format: "%07d", i)),DA\(String(format: "%05d", i % 997)),2023,current,NSTW,\(1 + i % 28)/\(String(format: "%02d", 1 + i % 12))/2023,\(types[i % 5]),\(i % 3 == 0 ? "1.234.567.000" : "\(1000 + i)000"),\(note)\r\n"
        if chunk.utf8.count > 1 << 20 { h.write(chunk.data(using: .utf8)!); chunk = "" }
    }
    h.write(chunk.data(using: .utf8)!)
    try! h.close()
}
let size = (try! FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)
func measure(_ name: String, _ body: () throws -> Int) rethrows {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let n = try body()
    let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    print(String(format: "%@: %d rows in %.3f s = %.0f rows/s, %.0f MB/s (file %.1f MB)", name, n, s, Double(n) / s, Double(size) / s / 1e6, Double(size) / 1e6))
}
try measure("CSVReader records") {
    let r = try CSVReader(path: path)
    var n = 0
    var bytes = 0
    while try r.nextRecord() { n += 1; bytes &+= r.fieldCount }
    return n - 1
}
try measure("TableReader ledger entries") {
    let r = try TableReader(path: path, kind: .disbursements)
    var n = 0, bad = 0
    var sum: Int64 = 0
    while let row = try r.nextLedgerEntry() { n += 1; if let v = row.value { sum &+= v.amountVND } else { bad += 1; if bad < 3 { print(row.issues) } } }
    if bad > 0 { print("bad rows:", bad) }
    return n
}
try measure("TableReader ledger rows in bulk") {
    let r = try TableReader(path: path, kind: .disbursements)
    var batch = LedgerRowBatch()
    var n = 0, bad = 0
    var sum: Int64 = 0
    var more = true
    while more {
        more = r.readLedgerRows(into: &batch, limit: 4096)
        n += batch.count
        for i in 0..<batch.count { if batch.isValid(i) { sum &+= batch.amountVND[i] } else { bad += 1 } }
        if let failure = batch.failure { print(failure) }
    }
    if bad > 0 { print("bad rows:", bad) }
    return n
}
SWIFT
cd "$BENCH_DIR"
swift build -c release --product bench 2>&1 | tail -1
.build/release/bench "$BENCH_DIR/ledger-1m.csv"
