// MIT krb5 GSSAPI. Declared without pkg-config: krb5-gssapi.pc adds -isystem, which SwiftPM refuses
// (../shared/reference/swift-system-libs.md, pitfall 2); /usr/include/gssapi/ is reachable directly.
#ifndef CIMSWEEP_CGSSAPI_SHIM_H
#define CIMSWEEP_CGSSAPI_SHIM_H
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_ext.h>
#include <krb5/krb5.h>

// Mechanism OIDs as static descriptors (the library's own are mutable globals, which Swift 6 refuses).
static inline gss_OID cs_gss_oid_spnego(void) {            // 1.3.6.1.5.5.2 (RFC 4178)
    static gss_OID_desc d = {6, (void *)"\x2b\x06\x01\x05\x05\x02"}; return &d;
}
static inline gss_OID cs_gss_oid_krb5(void) {              // 1.2.840.113554.1.2.2 (RFC 1964)
    static gss_OID_desc d = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"}; return &d;
}
static inline gss_OID cs_gss_oid_ntlm(void) {              // 1.3.6.1.4.1.311.2.2.10 (MS-NLMP)
    static gss_OID_desc d = {10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"}; return &d;
}
static inline gss_OID cs_gss_nt_hostbased_service(void) { return GSS_C_NT_HOSTBASED_SERVICE; }
static inline gss_OID cs_gss_nt_user_name(void) { return GSS_C_NT_USER_NAME; }
static inline gss_OID cs_gss_nt_krb5_principal(void) { return (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME; }

// Status macros built from casts and shifts, which Swift does not import.
static inline int cs_gss_is_error(OM_uint32 major) { return GSS_ERROR(major) != 0; }
static inline OM_uint32 cs_gss_routine_error(OM_uint32 major) { return GSS_ROUTINE_ERROR(major); }
static inline int cs_gss_continue_needed(OM_uint32 major) { return (major & GSS_S_CONTINUE_NEEDED) != 0; }
static inline OM_uint32 cs_gss_s_unavailable(void) { return GSS_S_UNAVAILABLE; }
static inline OM_uint32 cs_gss_s_no_cred(void) { return GSS_S_NO_CRED; }
static inline OM_uint32 cs_gss_s_credentials_expired(void) { return GSS_S_CREDENTIALS_EXPIRED; }
static inline OM_uint32 cs_gss_s_bad_bindings(void) { return GSS_S_BAD_BINDINGS; }
static inline OM_uint32 cs_gss_s_defective_credential(void) { return GSS_S_DEFECTIVE_CREDENTIAL; }
static inline OM_uint32 cs_gss_s_bad_name(void) { return GSS_S_BAD_NAME; }
static inline OM_uint32 cs_gss_s_bad_mech(void) { return GSS_S_BAD_MECH; }
static inline OM_uint32 cs_gss_req_flags(void) {
    return GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
}
static inline OM_uint32 cs_gss_conf_flag(void) { return GSS_C_CONF_FLAG; }
static inline OM_uint32 cs_gss_iov_header_alloc(void) { return GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE; }
static inline OM_uint32 cs_gss_iov_padding_alloc(void) { return GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE; }
static inline OM_uint32 cs_gss_iov_header(void) { return GSS_IOV_BUFFER_TYPE_HEADER; }
static inline OM_uint32 cs_gss_iov_data(void) { return GSS_IOV_BUFFER_TYPE_DATA; }
static inline OM_uint32 cs_gss_iov_padding(void) { return GSS_IOV_BUFFER_TYPE_PADDING; }
static inline OM_uint32 cs_gss_code_gss(void) { return GSS_C_GSS_CODE; }
static inline OM_uint32 cs_gss_code_mech(void) { return GSS_C_MECH_CODE; }
#endif
