// swift-tools-version:6.0
import PackageDescription

/// PortBooks: PortPro exports → QuickBooks Online, through files.
/// Targets follow shared/DESIGN.md: a target per stage of the pipeline and per layer below it
/// (docs/ARCHITECTURE.md); each declares only what it imports. Each C module is imported by
/// exactly one Swift target (CLibXML2 by PortBooksRead, CCurl by PortBooksHTTP).
/// The readers scan gigabytes byte by byte through small final classes; in release builds the
/// run-time exclusivity checks on their stored properties cost more than the scan itself.
/// (Debug builds, which the tests use, keep the checks.)
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "PortBooks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "portbooks", targets: ["portbooks"]),
        .executable(name: "qbo-sandbox", targets: ["qbo-sandbox"]),
        .library(name: "QBOSandbox", targets: ["QBOSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The pipeline's rooms, in the order data flows (docs/ARCHITECTURE.md):
        // read -> stage -> plan (with map) -> push -> record -> report, wired by PortBooksSync.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Leaves shared by the product and qbo-sandbox.
        .target(name: "PortBooksJSON"),
        .target(name: "PortBooksRandom"),
        .target(
            name: "PortBooksCore",
            dependencies: [
                "PortBooksJSON",
                "PortBooksRandom",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "PortBooksRead",
            dependencies: ["CLibXML2", "PortBooksCore", "PortBooksJSON"],
            swiftSettings: hotPathSettings
        ),
        .target(name: "PortBooksMap", dependencies: ["PortBooksCore", "PortBooksJSON"]),
        .target(name: "PortBooksHTTP", dependencies: ["CCurl"]),
        .target(
            name: "PortBooksQuickBooks",
            dependencies: [
                "PortBooksHTTP",
                "PortBooksCore",
                "PortBooksJSON",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PortBooksLedger",
            dependencies: [
                "PortBooksCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(name: "PortBooksReports", dependencies: ["PortBooksCore", "PortBooksLedger"]),
        .target(
            name: "PortBooksStage",
            dependencies: [
                "PortBooksCore",
                "PortBooksRead",
                "PortBooksLedger",
                "PortBooksReports",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "PortBooksPlan", dependencies: ["PortBooksCore", "PortBooksJSON", "PortBooksMap"]),
        .target(name: "PortBooksPush", dependencies: ["PortBooksJSON", "PortBooksQuickBooks"]),
        .target(
            name: "PortBooksRecord",
            dependencies: [
                "PortBooksCore", "PortBooksJSON", "PortBooksLedger", "PortBooksPlan", "PortBooksPush",
                "PortBooksQuickBooks", "PortBooksReports",
            ]
        ),
        .target(
            name: "PortBooksSync",
            dependencies: [
                "PortBooksCore",
                "PortBooksJSON",
                "PortBooksMap",
                "PortBooksLedger",
                "PortBooksStage",
                "PortBooksPlan",
                "PortBooksPush",
                "PortBooksRecord",
                "PortBooksReports",
                "PortBooksQuickBooks",
                "PortBooksHTTP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PortBooksCommands",
            dependencies: [
                "PortBooksCore",
                "PortBooksRead",
                "PortBooksMap",
                "PortBooksStage",
                "PortBooksLedger",
                "PortBooksReports",
                "PortBooksSync",
                "PortBooksQuickBooks",
                "PortBooksJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "portbooks", dependencies: ["PortBooksCommands"]),
        .target(
            name: "QBOSandbox",
            dependencies: [
                "PortBooksJSON",
                "PortBooksRandom",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "qbo-sandbox",
            dependencies: [
                "QBOSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fuzz tests' byte mutator and fixtures helpers, shared by the test targets.
        .target(name: "PortBooksTestSupport", dependencies: ["PortBooksCore", "PortBooksRead", "PortBooksRandom"]),
        .testTarget(
            name: "PortBooksCoreTests",
            dependencies: ["PortBooksCore", "PortBooksJSON", "PortBooksRandom", "PortBooksTestSupport"]),
        .testTarget(
            name: "PortBooksReadTests",
            dependencies: ["PortBooksRead", "PortBooksCore", "PortBooksRandom", "PortBooksTestSupport"]),
        .testTarget(
            name: "PortBooksMapTests",
            dependencies: [
                "PortBooksMap", "PortBooksCore", "PortBooksJSON", "PortBooksRead", "PortBooksRandom",
                "PortBooksTestSupport",
            ]),
        .testTarget(
            name: "PortBooksReportsTests",
            dependencies: ["PortBooksReports", "PortBooksRandom", "PortBooksTestSupport"]),
        .testTarget(
            name: "PortBooksPlanTests",
            dependencies: ["PortBooksPlan", "PortBooksMap", "PortBooksRead", "PortBooksCore", "PortBooksJSON"]),
        .testTarget(
            name: "PortBooksStageTests",
            dependencies: [
                "PortBooksStage", "PortBooksCore", "PortBooksLedger", "PortBooksReports",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Runs the built `portbooks` and `qbo-sandbox` (`make test` builds them first).
        .testTarget(name: "PortBooksCommandsTests"),
        .testTarget(
            name: "PortBooksLedgerTests",
            dependencies: ["PortBooksLedger", "PortBooksCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "PortBooksSyncTests",
            dependencies: [
                "PortBooksSync", "PortBooksStage", "PortBooksPlan", "PortBooksReports", "PortBooksLedger",
                "PortBooksCore", "PortBooksJSON", "PortBooksQuickBooks", "PortBooksRecord",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PortBooksQuickBooksTests",
            dependencies: [
                "PortBooksQuickBooks", "PortBooksHTTP", "PortBooksCore", "PortBooksJSON", "PortBooksRandom",
                "QBOSandbox", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "QBOSandboxTests",
            dependencies: [
                "QBOSandbox",
                "PortBooksJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
