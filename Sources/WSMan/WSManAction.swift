/// The `a:Action` URIs of the operations cimsweep sends. Identify has none.
public enum WSManAction: String, Sendable, Hashable {
    case get = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
    case enumerate = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
    case pull = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull"
    case release = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release"

    /// The response kind a parser expects for this action.
    public var responseKind: WSManResponseKind {
        switch self {
        case .get: .get
        case .enumerate: .enumerate
        case .pull: .pull
        case .release: .release
        }
    }
}

/// What kind of response body a parser expects.
public enum WSManResponseKind: String, Sendable, Hashable {
    case identify, get, enumerate, pull, release
}
