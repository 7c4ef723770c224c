// MIT krb5 GSSAPI. Declared without pkg-config: krb5-gssapi.pc adds -isystem, which SwiftPM refuses
// (../shared/reference/swift-system-libs.md, pitfall 2); /usr/include/gssapi/ is reachable directly.
#ifndef CIMSWEEP_CGSSAPI_SHIM_H
#define CIMSWEEP_CGSSAPI_SHIM_H
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_ext.h>
#endif
