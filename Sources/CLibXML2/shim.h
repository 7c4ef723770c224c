// libxml2 for Swift. Debian builds libxml2 with ICU; its <unicode/ucnv.h> clashes with Foundation's
// bundled ICU module, so the ICU switch is undone before the parser headers are read
// (../shared/reference/swift-system-libs.md, pitfall 1). Never touch xmlCharEncodingHandler fields.
#ifndef CIMSWEEP_CLIBXML2_SHIM_H
#define CIMSWEEP_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#endif
