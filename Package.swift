// swift-tools-version:6.0
import PackageDescription

/// PortBooks: PortPro exports → QuickBooks Online, through files.
/// Targets follow shared/DESIGN.md: one target per layer; each C module is imported by
/// exactly one Swift target (CLibXML2 by PortBooksXML, CCurl by PortBooksHTTP).
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
    ],
    targets: [
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
        .target(
            name: "PortBooksCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "PortBooksXML",
            dependencies: ["CLibXML2", "PortBooksCore"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "PortBooksHTTP",
            dependencies: ["CCurl"]
        ),
        .target(
            name: "PortBooksQuickBooks",
            dependencies: [
                "PortBooksHTTP",
                "PortBooksCore",
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
        .target(
            name: "PortBooksSync",
            dependencies: [
                "PortBooksCore",
                "PortBooksXML",
                "PortBooksLedger",
                "PortBooksQuickBooks",
                "PortBooksHTTP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PortBooksCommands",
            dependencies: [
                "PortBooksCore",
                "PortBooksXML",
                "PortBooksLedger",
                "PortBooksSync",
                "PortBooksQuickBooks",
                "PortBooksHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "portbooks",
            dependencies: [
                "PortBooksCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "QBOSandbox",
            dependencies: [
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
        // The fuzz tests' seeded generator and mutator, shared by the test targets.
        .target(name: "PortBooksTestSupport", dependencies: ["PortBooksCore"]),
        .testTarget(name: "PortBooksCoreTests", dependencies: ["PortBooksCore", "PortBooksTestSupport"]),
        .testTarget(
            name: "PortBooksXMLTests", dependencies: ["PortBooksXML", "PortBooksCore", "PortBooksTestSupport"]),
        .testTarget(
            name: "PortBooksCommandsTests",
            dependencies: ["PortBooksCommands", "PortBooksCore", "PortBooksXML"]
        ),
        .testTarget(name: "PortBooksLedgerTests", dependencies: ["PortBooksLedger", "PortBooksCore"]),
        .testTarget(
            name: "PortBooksSyncTests",
            dependencies: ["PortBooksSync", "PortBooksLedger", "PortBooksCore", "QBOSandbox", "PortBooksTestSupport"]
        ),
        .testTarget(
            name: "PortBooksQuickBooksTests",
            dependencies: [
                "PortBooksQuickBooks", "PortBooksHTTP", "PortBooksCore", "QBOSandbox", "PortBooksTestSupport",
            ]
        ),
        .testTarget(
            name: "QBOSandboxTests",
            dependencies: [
                "QBOSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
