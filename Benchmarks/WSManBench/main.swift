// wsman-bench: parse throughput of WSManResponseParser beside libxml2's own floor.
//
//   swift run -c release wsman-bench [path/to/shared/reference/corpus]
//
// Prints MB/s and instances/s (median of 7 runs), with items decoded as `CimInstance`s, as JSON
// (the collector's form), and as JSON encoded for the store as the collector does (`ResultSetEncoder`:
// stored values, identity, two SHA-256 content addresses), for (a) the real txwinrm Win32_Process and
// Win32_Service captures and (b) a synthetic 300-process PullResponse in Windows' exact shape
// (corpus items repeated with fresh Handle/ProcessId values), and `xmllint --stream --noout` on the
// same bytes (`--repeat`, 100 parses per run) as the ratio's denominator.
import CIMModel
import Foundation
import Inventory
import WSMan

let usage = "usage: swift run -c release wsman-bench [path/to/shared/reference/corpus]"
if let argument = CommandLine.arguments.dropFirst().first, argument.hasPrefix("-") {
    guard argument == "-h" || argument == "--help" else {
        FileHandle.standardError.write(Data("wsman-bench: unknown option \(argument)\n\(usage)\n".utf8))
        exit(64)
    }
    print(usage)
    exit(0)
}
let corpus = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "../shared/reference/corpus")
let captures = corpus.appendingPathComponent("zenoss-txwinrm")
guard FileManager.default.fileExists(atPath: captures.path) else {
    FileHandle.standardError.write(Data("wsman-bench: no captures at \(captures.path); pass the reference corpus directory\n\(usage)\n".utf8))
    exit(66)
}

func load(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: captures.appendingPathComponent(name))) }

struct Body {
    let bytes: [UInt8]
    let kind: WSManResponseKind
    let className: String
}

let realNames = try FileManager.default.contentsOfDirectory(atPath: captures.path).sorted().filter {
    $0.hasPrefix("ws20") && ($0.contains("Win32_Process") || $0.contains("Win32_Service"))
}
let real = try realNames.map { name in
    Body(bytes: try load(name), kind: name.contains("PullResponse") ? .pull : .enumerate,
         className: String(name.split(separator: "-")[1]))
}

/// 300 Win32_Process items cut from a real PullResponse, with unique Handle/ProcessId values.
func synthetic() throws -> Body {
    let text = String(decoding: try load("ws2012-Win32_Process-wql-select-star-001-PullResponse.xml"), as: UTF8.self)
    let open = "<p:Win32_Process ", close = "</p:Win32_Process>"
    guard let first = text.range(of: open), let last = text.range(of: close, options: .backwards) else {
        throw BenchError(message: "the Win32_Process capture has no items")
    }
    var items: [String] = []
    var rest = text[first.lowerBound..<last.upperBound]
    while let start = rest.range(of: open), let end = rest.range(of: close) {
        items.append(String(rest[start.lowerBound..<end.upperBound]))
        rest = rest[end.upperBound...]
    }
    var body = String(text[..<first.lowerBound])
    for n in 0..<300 {
        var item = items[n % items.count]
        for tag in ["Handle", "ProcessId"] {
            if let s = item.range(of: "<p:\(tag)>"), let e = item.range(of: "</p:\(tag)>") {
                item.replaceSubrange(s.upperBound..<e.lowerBound, with: String(10_000 + 4 * n))
            }
        }
        body += item
    }
    body += String(text[last.upperBound...])
    return Body(bytes: Array(body.utf8), kind: .pull, className: "Win32_Process")
}

struct BenchError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// What is done with each parsed item.
enum ItemUse: CaseIterable {
    case instance, json, encodedJSON

    var label: String {
        switch self {
        case .instance: "instances"
        case .json: "JSON items"
        case .encodedJSON: "JSON items encoded for the store"
        }
    }
}

/// Seconds per pass over `bodies` (median of 7 runs of `repeats` passes) and items per pass.
func measureParser(_ bodies: [Body], repeats: Int, use: ItemUse) throws -> (seconds: Double, items: Int) {
    var runs: [Double] = []
    var items = 0
    let clock = ContinuousClock()
    let layouts = SharedLayouts()
    for _ in 0..<7 {
        items = 0
        let elapsed = try clock.measure {
            for _ in 0..<repeats {
                for body in bodies {
                    var encoder = use == .encodedJSON ? ResultSetEncoder(schemas: .builtin, shared: layouts) : nil
                    let parser = WSManResponseParser(WSManResponseContext(
                        expecting: body.kind, defaultClassName: body.className, defaultNamespace: "root/cimv2",
                        itemForm: use == .instance ? .instance : .json)) { item in
                        if item.instance != nil || item.json != nil { items += 1 }
                        if let json = item.json { encoder?.add(json) }
                    }
                    try parser.feed(body.bytes)
                    _ = try parser.finish()
                }
            }
        }
        runs.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return (median(runs) / Double(repeats), items / repeats)
}

/// Seconds per pass of `xmllint --stream --noout` over the same bytes (its `--repeat` parses 100 times).
func measureXmllint(_ bodies: [Body]) throws -> Double? {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wsman-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var paths: [String] = []
    for (i, body) in bodies.enumerated() {
        let url = directory.appendingPathComponent("\(i).xml")
        try Data(body.bytes).write(to: url)
        paths.append(url.path)
    }
    var runs: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<7 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--stream", "--noout", "--repeat"] + paths
        process.standardError = FileHandle.nullDevice
        let elapsed = try clock.measure {
            try process.run()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else { return nil }
        runs.append((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / 100)
    }
    return median(runs)
}

func report(_ title: String, _ bodies: [Body], repeats: Int) throws {
    let bytes = Double(bodies.reduce(0) { $0 + $1.bytes.count })
    let megabytes = bytes / 1_000_000
    print(title)
    var seconds = 0.0
    for use in ItemUse.allCases {
        let (elapsed, items) = try measureParser(bodies, repeats: repeats, use: use)
        print(String(format: "  WSManResponseParser, %@: %8.1f MB/s  %9.0f instances/s  %5.1f µs/instance  (%.0f bytes, %d instances, %.3f ms per pass)",
                     use.label, megabytes / elapsed, Double(items) / elapsed, elapsed * 1e6 / Double(items), bytes, items, elapsed * 1000))
        if use == .json { seconds = elapsed }
    }
    if let lint = try measureXmllint(bodies) {
        print(String(format: "  xmllint --stream:    %8.1f MB/s  (%.3f ms per pass)", megabytes / lint, lint * 1000))
        print(String(format: "  ratio parser/xmllint: %.2f", lint / seconds))
    } else {
        print("  xmllint --stream: not available (install libxml2-utils)")
    }
}

try report("(a) real captures: \(real.count) Win32_Process/Win32_Service responses", real, repeats: 20)
try report("(b) synthetic PullResponse: 300 Win32_Process items", [try synthetic()], repeats: 20)
