// swift-tools-version:6.0
import PackageDescription

// Layers (see README "Architecture"): Core is pure; Import reads bytes; Store owns SQLite;
// Report renders values computed by Core; `giaingan` wires them together.
let package = Package(
    name: "GiaiNgan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "giaingan", targets: ["giaingan"]),
        .library(name: "GiaiNganCore", targets: ["GiaiNganCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        // The versions Hummingbird 2.28.1 resolves to; named because the portal's connection
        // handlers (GiaiNganServer/ConnectionGuard.swift) use their channel and HTTP-part types.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
        // SHA-256 of imported files. 4.5.2 is what the portal's dependencies (hummingbird-auth
        // 1.0.0..<6.0.0, swift-certificates 3.12.3..<6.0.0, swift-nio-extras 3.0.0..<6.0.0) already
        // resolve swift-crypto to: pinning it there changes no version in the graph.
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        .target(name: "GiaiNganCore"),
        .target(name: "GiaiNganImport", dependencies: [
            "GiaiNganCore", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .target(name: "GiaiNganRules", dependencies: ["GiaiNganCore", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "GiaiNganStore", dependencies: [
            "GiaiNganCore", "GiaiNganImport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(name: "GiaiNganReport", dependencies: ["GiaiNganCore"]),
        // libxlsxwriter (Debian libxlsxwriter-dev), the C library that writes .xlsx files: a
        // system library like SQLite, chosen by measurement (README "Official reports").
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // A small Swift wrapper over it: workbooks, sheets, styles, merged ranges, errors thrown.
        .target(name: "GiaiNganXLSX", dependencies: ["CXlsxWriter"]),
        // Official report forms as data (forms/*.toml), the measures they show, and the
        // spreadsheet renderers: forms in .xlsx, CSV and HTML, every report as a workbook.
        .target(name: "GiaiNganForms", dependencies: [
            "GiaiNganCore", "GiaiNganReport", "GiaiNganXLSX", .product(name: "TOMLKit", package: "TOMLKit"),
        ], resources: [
            // The shipped forms, built into the binary (`forms/` at the top is a link here).
            .embedInCode("forms/form-01a.toml"), .embedInCode("forms/form-01b.toml"), .embedInCode("forms/form-phu-luc-cdt.toml"),
        ]),
        // The weekly mail's messages (MIME) and transports: the system's sendmail, or SMTP to a
        // relay (README "Mail"). Foundation and POSIX sockets only.
        .target(name: "GiaiNganMail"),
        // Application services shared by the commands (check pipeline, weekly run, per-investor files).
        .target(name: "GiaiNganApp", dependencies: [
            "GiaiNganCore", "GiaiNganImport", "GiaiNganRules", "GiaiNganStore", "GiaiNganReport", "GiaiNganForms", "GiaiNganXLSX",
            "GiaiNganMail",
        ]),
        // The investor portal: a read-only web view over the same database (Hummingbird 2).
        .target(name: "GiaiNganServer", dependencies: [
            "GiaiNganCore", "GiaiNganStore", "GiaiNganReport", "GiaiNganApp",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),
        .executableTarget(name: "giaingan", dependencies: [
            "GiaiNganCore", "GiaiNganImport", "GiaiNganRules", "GiaiNganStore", "GiaiNganReport", "GiaiNganApp", "GiaiNganForms",
            "GiaiNganServer", "GiaiNganMail",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "GiaiNganCoreTests", dependencies: ["GiaiNganCore"]),
        .testTarget(name: "GiaiNganImportTests", dependencies: ["GiaiNganImport"]),
        .testTarget(name: "GiaiNganRulesTests", dependencies: ["GiaiNganRules"]),
        .testTarget(name: "GiaiNganStoreTests", dependencies: ["GiaiNganStore", "GiaiNganRules"]),
        .testTarget(name: "GiaiNganReportTests", dependencies: ["GiaiNganReport"]),
        .testTarget(name: "GiaiNganAppTests", dependencies: ["GiaiNganApp"]),
        .testTarget(name: "GiaiNganXLSXTests", dependencies: ["GiaiNganXLSX"]),
        .testTarget(name: "GiaiNganMailTests", dependencies: ["GiaiNganMail"]),
        .testTarget(name: "GiaiNganFormsTests", dependencies: ["GiaiNganForms", "GiaiNganCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["giaingan"]),
        .testTarget(name: "GiaiNganServerTests", dependencies: ["giaingan", "GiaiNganServer", "GiaiNganStore", "GiaiNganCore"]),
        // The bad-input corpus, property tests, concurrency and file-safety tests (README "Reliability").
        .testTarget(name: "ReliabilityTests", dependencies: [
            "giaingan", "GiaiNganCore", "GiaiNganImport", "GiaiNganStore", "GiaiNganReport", "GiaiNganApp",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
