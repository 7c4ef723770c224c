extension CimClassSchema {
    /// Checks that every schema whose `superclass` also has a schema restates that class faithfully.
    ///
    /// A schema file lists all of its class's properties, inherited ones included, so that one file
    /// is the whole truth about a class and readers (simulator, store, diff) need no resolution
    /// step. The cost is repetition; this check makes the repetition safe: a subclass must declare
    /// every property of its superclass with the same type and volatility, and the same keys and
    /// identity (CIM subclasses inherit keys, DSP0004 5.1.2.7).
    /// - Parameter schemas: every schema with the file it came from.
    /// - Throws: `CimSchemaError` naming the subclass file and the first difference.
    public static func checkSubclasses(_ schemas: [(schema: CimClassSchema, source: String)]) throws(CimSchemaError) {
        func key(_ namespace: String, _ className: String) -> String { namespace.lowercased() + ":" + className.lowercased() }
        var byName: [String: CimClassSchema] = [:]
        for entry in schemas { byName[key(entry.schema.namespace, entry.schema.className)] = entry.schema }
        for (schema, source) in schemas {
            guard let superclassName = schema.superclass,
                  let parent = byName[key(schema.namespace, superclassName)] else { continue }
            func fail(_ problem: String) -> CimSchemaError {
                CimSchemaError(source: source, problem: problem + " (superclass \(parent.className) has a schema; "
                    + "a subclass restates every inherited property exactly)")
            }
            for inherited in parent.properties {
                guard let own = schema.property(named: inherited.name) else {
                    throw fail("inherited property '\(inherited.name)' is missing")
                }
                guard own.type == inherited.type else {
                    throw fail("'\(inherited.name)' is \(own.type) here but \(inherited.type) in \(parent.className)")
                }
                guard own.isVolatile == inherited.isVolatile else {
                    throw fail("'\(inherited.name)' volatility differs from \(parent.className)")
                }
            }
            guard schema.keys.map({ $0.lowercased() }) == parent.keys.map({ $0.lowercased() }),
                  schema.effectiveIdentity.map({ $0.lowercased() }) == parent.effectiveIdentity.map({ $0.lowercased() })
            else { throw fail("keys or identity differ from \(parent.className)'s") }
        }
    }
}
