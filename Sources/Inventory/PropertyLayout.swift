import GRDB

/// How the store keeps an instance's properties: the values alone, as a JSON array in wire order
/// (`instance_content.property_values`), and the names once per list of names, with each name's
/// position (`property_layout.positions`, `{"Name":0,"ProcessId":1}`). A fleet's hosts send the same
/// few lists, so the names, most of a Win32_Process row's bytes, are stored a few hundred times per
/// database instead of once per instance. `instance_properties` shows each instance's properties as
/// one JSON object again; the class views look names up in the layout.
enum PropertyLayout {
    /// The properties object (`{"Name":"x","ProcessId":4}`) of stored values in a layout, byte for byte
    /// the members the writer had; nil when the values are not an array as long as the layout.
    static func object(positions: JSONMembers, values: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let elements = JSONMembers.elements(values), elements.count == positions.members.count else { return nil }
        var object: [UInt8] = [UInt8(ascii: "{")]
        object.reserveCapacity(values.count + positions.bytes.count)
        for (member, element) in zip(positions.members, elements) {
            if object.count > 1 { object.append(UInt8(ascii: ",")) }
            object.append(UInt8(ascii: "\""))
            object.append(contentsOf: positions.bytes[member.key])
            object.append(contentsOf: "\":".utf8)
            object.append(contentsOf: UnsafeBufferPointer(rebasing: values[element]))
        }
        object.append(UInt8(ascii: "}"))
        return object
    }

    /// The layout (`positions`) and values of a properties object: the inverse of `object`.
    static func split(_ object: JSONMembers) -> (positions: [UInt8], values: [UInt8]) {
        var positions: [UInt8] = [UInt8(ascii: "{")], values: [UInt8] = [UInt8(ascii: "[")]
        for (position, member) in object.members.enumerated() {
            if position > 0 {
                positions.append(UInt8(ascii: ","))
                values.append(UInt8(ascii: ","))
            }
            positions.append(UInt8(ascii: "\""))
            positions.append(contentsOf: object.bytes[member.key])
            positions.append(contentsOf: "\":\(position)".utf8)
            values.append(contentsOf: object.bytes[member.value])
        }
        positions.append(UInt8(ascii: "}"))
        values.append(UInt8(ascii: "]"))
        return (positions, values)
    }

    /// Migration v2: rewrites every stored properties object (v1) as a layout and values, in batches
    /// by id. Expects `property_layout` and `instance_content.layout_id` to exist.
    /// - Throws: `DatabaseError` `SQLITE_CORRUPT` naming the first row that is not a JSON object.
    static func convertStoredObjects(_ db: Database) throws {
        var layouts: [[UInt8]: Int64] = [:]
        let update = try db.makeStatement(sql: "UPDATE instance_content SET layout_id = ?, properties = ? WHERE id = ?")
        var last: Int64 = 0
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT id, properties FROM instance_content WHERE id > ? ORDER BY id LIMIT 1000",
                                        arguments: [last])
            guard let final = rows.last else { return }
            for row in rows {
                let id: Int64 = row[0]
                let text: String = row[1]
                guard let object = JSONMembers(Array(text.utf8)) else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "instance content \(id) is not a JSON object")
                }
                let (positions, values) = split(object)
                let layoutID = try layouts[positions] ?? {
                    try db.execute(sql: "INSERT INTO property_layout (positions) VALUES (?)",
                                   arguments: [String(decoding: positions, as: UTF8.self)])
                    layouts[positions] = db.lastInsertedRowID
                    return db.lastInsertedRowID
                }()
                try update.execute(arguments: [layoutID, String(decoding: values, as: UTF8.self), id])
            }
            last = final[0]
        }
    }
}

/// Rebuilds stored instances' properties objects as they are read (diff, `instances`), reading each
/// layout once.
struct StoredProperties {
    private var layouts: [Int64: JSONMembers] = [:]

    /// The properties object of the values `values` stored with layout `layoutID`.
    /// - Throws: `DatabaseError` `SQLITE_CORRUPT` when the layout is missing or does not fit the values.
    mutating func object(_ values: UnsafeRawBufferPointer, layoutID: Int64, contentID: Int64, _ db: Database) throws -> [UInt8] {
        let layout = try layouts[layoutID] ?? {
            let text = try String.fetchOne(db.cachedStatement(sql: "SELECT positions FROM property_layout WHERE id = ?"),
                                           arguments: [layoutID])
            // Values are paired with names by order; the positions the views use must say the same.
            guard let text, let positions = JSONMembers(Array(text.utf8)),
                  positions.members.enumerated().allSatisfy({ positions.bytes[$1.value].elementsEqual(String($0).utf8) })
            else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT,
                                    message: "property layout \(layoutID) is missing or not names numbered 0, 1, 2, … in order")
            }
            layouts[layoutID] = positions
            return positions
        }()
        guard let object = PropertyLayout.object(positions: layout, values: values.assumingMemoryBound(to: UInt8.self)) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT,
                                message: "instance content \(contentID) does not fit its property layout \(layoutID)")
        }
        return object
    }
}
