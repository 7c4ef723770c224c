import Testing

/// Every auth suite runs inside this one, one test at a time: they set process-global Kerberos
/// environment variables (`KRB5_CONFIG`, `KRB5CCNAME`) that GSSAPI reads.
@Suite(.serialized, .enabled(if: AuthLab.isAvailable)) enum AuthSuites {}
