// swift-tools-version:6.0
// The measurement behind the choice of libxlsxwriter (README "Official reports"): the same
// workbook written by libxlsxwriter and by hand-written SpreadsheetML zipped with ZIPFoundation.
// Run by scripts/bench-xlsx; not part of the product.
import PackageDescription

let package = Package(
    name: "bench-xlsx",
    dependencies: [.package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20")],
    targets: [
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter"),
        .executableTarget(name: "LibXlsxWriterBench", dependencies: ["CXlsxWriter"]),
        .executableTarget(name: "HandWrittenBench", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    ]
)
