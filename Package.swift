// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .executable(name: "vigil-bench", targets: ["vigil-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        .target(name: "YAML", dependencies: ["CYAML"]),
        .target(name: "Template"),
        .target(name: "Rules", dependencies: ["Engine", "PromQL", "Template", "YAML", "TimeSeries"]),
        .target(name: "HTTP"),
        .target(name: "Notify", dependencies: ["Template", "YAML", "TimeSeries", "HTTP", "SQLite"]),
        .systemLibrary(name: "CMalloc"),
        .target(name: "TimeSeries", dependencies: ["CMalloc"]),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "Storage", dependencies: ["SQLite", "TimeSeries", "CZlib"]),
        .target(name: "PromQL", dependencies: ["TimeSeries"]),
        .target(name: "Engine", dependencies: ["PromQL", "TimeSeries"]),
        .target(name: "Exposition", dependencies: ["TimeSeries"]),
        .target(name: "CLI", dependencies: ["Engine", "PromQL", "TimeSeries", "Exposition", "Storage", "Rules", "Notify"]),
        .executableTarget(name: "vigil", dependencies: ["CLI", "TimeSeries"]),
        .executableTarget(
            name: "vigil-bench", dependencies: ["Engine", "PromQL", "TimeSeries", "Exposition", "Storage"]),
        .testTarget(name: "TimeSeriesTests", dependencies: ["TimeSeries"]),
        .testTarget(name: "PromQLTests", dependencies: ["PromQL"]),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "TemplateTests", dependencies: ["Template"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "HTTP", "TimeSeries", "Template", "YAML", "SQLite"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Engine", "PromQL", "TimeSeries", "Template", "YAML"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "SQLite", "TimeSeries"]),
        .testTarget(
            name: "EngineTests", dependencies: ["Engine", "PromQL", "TimeSeries"],
            exclude: ["Scripts"]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
    ]
)
