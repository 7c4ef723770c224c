extension CimSchemaRegistry {
    /// The schema of a generated record. The generator emits records and `BuiltinSchemas` from the
    /// same files, and a test re-checks both, so a missing schema here is a build defect.
    func generatedSchema(namespace: String, className: String) -> CimClassSchema {
        guard let schema = schema(namespace: namespace, className: className) else {
            preconditionFailure("generated record \(className) has no built-in schema in \(namespace): run `swift run schemagen`")
        }
        return schema
    }
}
