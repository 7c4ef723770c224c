// swift-tools-version:6.1
// The targets, and what each may import, are described in docs/ARCHITECTURE.md.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-require-explicit-sendable"]),
]

// MARK: - Test support: child processes without Foundation.Process (see Tests/ChildProcessSupport)
let testSupportTargets: [Target] = [
    .target(name: "ChildProcessSupport", path: "Tests/ChildProcessSupport", swiftSettings: swiftSettings),
]

// MARK: - C libraries from Debian (module.modulemap + shim.h each)
let systemLibraries: [Target] = [
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(name: "CGSSAPI", providers: [.apt(["libkrb5-dev"])]),
    .systemLibrary(name: "CMalloc"),
]

// MARK: - CIMModel: values, instances, schemas (shared by client and simulator)
let modelTargets: [Target] = [
    .target(name: "CIMModel", swiftSettings: swiftSettings),
    .executableTarget(name: "schemagen", dependencies: ["CIMModel"], swiftSettings: swiftSettings),
    .testTarget(name: "CIMModelTests", dependencies: ["CIMModel"], swiftSettings: swiftSettings),
]

// MARK: - WSMan: the protocol, no I/O
let wsmanTargets: [Target] = [
    .target(name: "WSMan", dependencies: ["CIMModel"], exclude: ["README.md"], swiftSettings: swiftSettings),
    .executableTarget(
        name: "wsman-bench", dependencies: ["WSMan", "CIMModel", "Inventory"], path: "Benchmarks/WSManBench",
        swiftSettings: swiftSettings),
    .testTarget(name: "WSManTests", dependencies: ["WSMan", "CIMModel", "CLibXML2"], swiftSettings: swiftSettings),
]

// MARK: - Transport: HTTP(S) over libcurl multi
let transportTargets: [Target] = [
    .target(
        name: "Transport",
        dependencies: [
            "CCurl", "CGSSAPI", .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        exclude: ["README.md"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "TransportTests",
        dependencies: [
            "Transport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "InMemoryLogging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "transport-bench",
        dependencies: [
            "Transport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        path: "Benchmarks/transport-bench",
        swiftSettings: swiftSettings
    ),
]

// MARK: - Auth: Kerberos, NTLM, certificates and message sealing against a real KDC and pyspnego
let authTargets: [Target] = [
    .testTarget(
        name: "AuthTests",
        dependencies: [
            "Transport", "CIM", "CIMModel", "Inventory", "Simulator", "ChildProcessSupport", "cimsweep",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "InMemoryLogging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: - Simulator: the loopback WinRM fleet
let simulatorTargets: [Target] = [
    .target(
        name: "Simulator",
        dependencies: [
            "CIMModel", "CLibXML2",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "sim-bench",
        dependencies: [
            "Simulator",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        path: "Benchmarks/sim-bench",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SimulatorTests",
        dependencies: [
            "Simulator", "CIMModel", "CLibXML2", "ChildProcessSupport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: - CIM: CimSession
let cimTargets: [Target] = [
    .target(
        name: "CIM",
        dependencies: [
            "CIMModel", "WSMan", "Transport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "DequeModule", package: "swift-collections"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "CIMTests",
        dependencies: [
            "CIM", "CIMModel", "WSMan", "Transport", "Simulator",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "InMemoryLogging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: - Inventory: collector, store, diff, queries
let inventoryTargets: [Target] = [
    .target(
        name: "Inventory",
        dependencies: [
            "CIMModel",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),   // diff steps its hot queries with the C API
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ],
        exclude: ["README.md"],
        swiftSettings: swiftSettings
    ),
    // Seeded synthetic fleets and temp dirs, for InventoryTests and store-bench.
    .target(name: "InventoryTestSupport", dependencies: ["CIMModel"], path: "Tests/InventoryTestSupport",
            swiftSettings: swiftSettings),
    .executableTarget(name: "store-bench", dependencies: ["Inventory", "InventoryTestSupport", "CIMModel"],
                      path: "Benchmarks/store-bench",
                      swiftSettings: swiftSettings),
    // A child process for InventoryTests: opens a store, begins a sweep and waits to be killed.
    .executableTarget(name: "store-test-helper", dependencies: ["Inventory", "CIMModel"],
                      path: "Tests/store-test-helper", swiftSettings: swiftSettings),
    .testTarget(name: "InventoryTests", dependencies: ["Inventory", "InventoryTestSupport", "CIMModel", "store-test-helper",
                                                       "ChildProcessSupport"],
                swiftSettings: swiftSettings),
]

// MARK: - Collector: sweeps of a fleet into the store
let collectorTargets: [Target] = [
    .target(
        name: "Collector",
        dependencies: [
            "CIM", "CIMModel", "Inventory", "Transport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "CollectorTests",
        dependencies: [
            "Collector", "CIM", "CIMModel", "Inventory", "Transport", "Simulator", "ChildProcessSupport",
            "cimsweep",   // the CLI's binary, run as a child process by CollectCommandTests
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: - Diff: ground truth against the simulated fleet (the `diff` work)
let diffTargets: [Target] = [
    .testTarget(
        name: "DiffTests",
        dependencies: [
            "Inventory", "InventoryTestSupport", "Collector", "CIM", "CIMModel", "Simulator", "Transport",
            "ChildProcessSupport", "cimsweep",   // the CLI's binary, run as a child process by CommandLineTests
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: - The command line
let cliTargets: [Target] = [
    .executableTarget(
        name: "cimsweep",
        dependencies: [
            "CIMModel", "WSMan", "Transport", "CIM", "Simulator", "Inventory", "Collector", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
]

let package = Package(
    name: "cimsweep",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cimsweep", targets: ["cimsweep"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: testSupportTargets + systemLibraries + modelTargets + wsmanTargets + transportTargets + simulatorTargets
        + cimTargets + inventoryTargets + collectorTargets + cliTargets + diffTargets + authTargets
)
