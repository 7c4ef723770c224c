import CIMModel
import GRDB

/// Comparing two result sets of one host × class: members first as bare content ids, then only the
/// members not on both sides are read, matched by identity, and compared property by property.
extension DiffEngine {
    /// A stored instance content, as diff needs it.
    struct StoredContent {
        var id: Int64
        var key: ClassKey
        /// Canonical JSON of the identity properties; nil when the class has no identity.
        var identity: String?
        var stable: Stable?
        /// The properties object's UTF-8 text (`{"Name":…}`, wire order).
        var properties: [UInt8]
    }

    /// Matches two result sets by identity; only instances whose content differs are read.
    mutating func compareSets(_ key: ClassKey, old: Int64?, new: Int64?) throws -> ClassDiff {
        var diff = ClassDiff(namespace: key.namespace, className: key.className, added: [], removed: [], changed: [])
        guard old != new else { return diff }
        let members = try memberIDs(old, new)
        let (oldMembers, newMembers) = Self.unshared(members.old, members.new)
        let stored = try contents(oldMembers + newMembers)
        let before = stored[..<oldMembers.count], after = stored[oldMembers.count...]
        func identityKey(_ content: StoredContent) -> String { content.identity ?? "#\(content.id)" }

        var unmatched: [String: [Int]] = [:]   // identity → indices in `before`, in wire order
        for index in before.indices { unmatched[identityKey(before[index]), default: []].append(index) }
        var pairs: [(old: StoredContent, new: StoredContent)] = []
        for content in after {
            let identity = identityKey(content)
            guard var candidates = unmatched[identity], !candidates.isEmpty else {
                diff.added.append(try identified(content))
                continue
            }
            let counterpart = before[candidates.removeFirst()]
            unmatched[identity] = candidates
            if !equalButVolatile(counterpart.stable, content.stable) { pairs.append((counterpart, content)) }
        }
        let removed = Set(unmatched.values.joined())
        for index in before.indices where removed.contains(index) { diff.removed.append(try identified(before[index])) }
        for pair in pairs {
            if let change = try instanceChange(pair.old, pair.new) { diff.changed.append(change) }
        }
        return diff
    }

    /// The members of two result sets that are not on both sides, each in ordinal order (a
    /// multiset difference of content ids). Equal content ids have equal identities, so a member
    /// on both sides would match itself; when a set holds one content several times, the old
    /// side's first copies and the new side's last ones are the ones left over.
    static func unshared(_ old: [Int64], _ new: [Int64]) -> (old: [Int64], new: [Int64]) {
        var unclaimed = [Int64: Int](minimumCapacity: new.count)
        for id in new { unclaimed[id, default: 0] += 1 }
        var oldLeft: [Int64] = []
        for id in old.reversed() {
            if let count = unclaimed[id], count > 0 { unclaimed[id] = count - 1 } else { oldLeft.append(id) }
        }
        var newLeft: [Int64] = []
        for id in new.reversed() {
            if let count = unclaimed[id], count > 0 {
                unclaimed[id] = count - 1
                newLeft.append(id)
            }
        }
        return (oldLeft.reversed(), newLeft.reversed())
    }

    /// Two sets' content ids, each in ordinal (wire) order (none for no set), in one query.
    func memberIDs(_ old: Int64?, _ new: Int64?) throws -> (old: [Int64], new: [Int64]) {
        let statement = try db.cachedStatement(sql: """
            SELECT set_id, content_id FROM content_member WHERE set_id IN (?, ?) ORDER BY set_id, ordinal
            """)
        let rows = try Row.fetchCursor(statement, arguments: [old, new])
        let column = SQLiteColumns(statement)
        var members: (old: [Int64], new: [Int64]) = ([], [])
        while try rows.next() != nil {
            if column.int64(0) == old { members.old.append(column.int64(1)) } else { members.new.append(column.int64(1)) }
        }
        return members
    }

    /// The stored contents with these ids, in the same order, read in place in one query (ids as a
    /// JSON array for `json_each`, so the statement is prepared once).
    /// - Throws: `StoreError` `.corrupt` when an id has no content.
    mutating func contents(_ ids: [Int64]) throws -> [StoredContent] {
        guard !ids.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: """
            SELECT id, namespace, class, identity, stable_hash, epoch, layout_id, property_values FROM instance_content
            WHERE id IN (SELECT value FROM json_each(?))
            """)
        let rows = try Row.fetchCursor(statement, arguments: ["[" + ids.map(String.init).joined(separator: ",") + "]"])
        let column = SQLiteColumns(statement)
        var byID = [Int64: StoredContent](minimumCapacity: ids.count)
        while try rows.next() != nil {
            let id = column.int64(0)
            byID[id] = StoredContent(id: id, key: ClassKey(namespace: column.text(1) ?? "", className: column.text(2) ?? ""),
                                     identity: column.text(3), stable: Stable(column, hash: 4, epoch: 5),
                                     properties: try column.withBytes(7) { values in
                                         try storedProperties.object(values, layoutID: column.int64(6), contentID: id, db)
                                     })
        }
        return try ids.map { id throws(StoreError) in
            guard let content = byID[id] else {
                throw StoreError(.corrupt, path: store.path, "instance content \(id) is referenced but missing")
            }
            return content
        }
    }

    mutating func schema(_ key: ClassKey) -> CimClassSchema? {
        if let cached = schemaCache[key] { return cached }
        let found = store.schemas.schema(namespace: key.namespace, className: key.className)
        schemaCache[key] = found
        return found
    }

    /// A stored instance (host left nil) with its identity properties, for the added and removed lists.
    mutating func identified(_ content: StoredContent) throws -> IdentifiedInstance {
        let instance = try store.decodeInstance(namespace: content.key.namespace, className: content.key.className,
                                                identity: content.identity,
                                                properties: String(decoding: content.properties, as: UTF8.self), host: nil)
        return IdentifiedInstance(identity: try identity(of: content), instance: instance)
    }

    /// The identity properties of a stored content in the schema's identity order; nil when none.
    mutating func identity(of content: StoredContent) throws -> [CimProperty]? {
        guard let text = content.identity else { return nil }
        let classSchema = schema(content.key)
        do {
            return Self.inIdentityOrder(try CimInstance.properties(json: text.utf8, schema: classSchema, schemas: store.schemas),
                                        classSchema)
        } catch {
            throw StoreError(.corrupt, path: store.path, "stored identity of \(content.key.className) does not read back: \(error)")
        }
    }

    /// The property changes between two stored contents with the same identity, or nil when only
    /// ignored (volatile) properties differ. Values are compared as JSON bytes, by position first
    /// (both sides usually list properties in the same wire order), by name otherwise; only values
    /// that differ are parsed and typed.
    mutating func instanceChange(_ old: StoredContent, _ new: StoredContent) throws -> InstanceChange? {
        guard let before = JSONMembers(old.properties), let after = JSONMembers(new.properties) else {
            let broken = JSONMembers(old.properties) == nil ? old.id : new.id
            throw StoreError(.corrupt, path: store.path, "instance content \(broken) is not a JSON object")
        }
        let schema = schema(old.key)
        var volatile = options.includeVolatile ? VolatileNames(nil) : volatileCache[old.key] ?? VolatileNames(schema)
        defer { if !options.includeVolatile { volatileCache[old.key] = volatile } }
        var newIndex: [String: Int]?
        var matched = [Bool](repeating: false, count: after.members.count)
        var changes: [PropertyChange] = []
        func typed(_ members: JSONMembers, _ member: JSONMembers.Member?, _ name: String) throws -> CimValue? {
            guard let member else { return nil }
            var reader = CimJSONReader(Array(members.bytes[member.value]))
            return CimJSONReader.value(try reader.readDocument(), as: schema?.property(named: name)?.type, schemas: store.schemas)
        }
        for (position, member) in before.members.enumerated() {
            var counterpart: Int?
            if position < after.members.count, before.sameKey(member, after, after.members[position]) {
                counterpart = position
            } else {
                if newIndex == nil {
                    newIndex = Dictionary(after.members.enumerated().map { (after.key($1).lowercased(), $0) },
                                          uniquingKeysWith: { first, _ in first })
                }
                counterpart = newIndex?[before.key(member).lowercased()]
            }
            if let counterpart { matched[counterpart] = true }
            if let counterpart, before.sameValue(member, after, after.members[counterpart]) { continue }
            let name = before.key(member)
            guard !volatile.contains(name) else { continue }
            changes.append(PropertyChange(name: name, old: try typed(before, member, name),
                                          new: try typed(after, counterpart.map { after.members[$0] }, name)))
        }
        for (position, member) in after.members.enumerated() where !matched[position] {
            let name = after.key(member)
            guard !volatile.contains(name) else { continue }
            changes.append(PropertyChange(name: name, old: nil, new: try typed(after, member, name)))
        }
        guard !changes.isEmpty else { return nil }
        return InstanceChange(identity: try identity(of: old), changes: changes)
    }

    /// Identity properties in the schema's identity order (Handle, then CreationDate), as people
    /// read them; the stored identity text is canonical (sorted) for matching.
    static func inIdentityOrder(_ identity: [CimProperty], _ schema: CimClassSchema?) -> [CimProperty] {
        guard let names = schema?.effectiveIdentity.map({ $0.lowercased() }), identity.count > 1 else { return identity }
        return identity.sorted { a, b in
            (names.firstIndex(of: a.name.lowercased()) ?? names.count) < (names.firstIndex(of: b.name.lowercased()) ?? names.count)
        }
    }
}
