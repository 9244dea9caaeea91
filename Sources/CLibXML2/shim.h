#ifndef PORTBOOKS_CLIBXML2_SHIM_H
#define PORTBOOKS_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU; its headers would pull in the system <unicode/…>
// headers, which clash with Foundation's bundled ICU (shared/PITFALLS.md 1). Nothing
// PortBooks uses needs ICU, so switch it off before any other libxml2 header.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>

/// The structured-error callback type, spelled without the `const`-qualification drift
/// between libxml2 2.9 (non-const) and 2.12 (const).
typedef void (*portbooks_xml_structured_error)(void *userData, xmlErrorPtr error);

static inline void portbooks_xml_set_reader_structured_errors(
    xmlTextReaderPtr reader, portbooks_xml_structured_error handler, void *userData) {
    xmlTextReaderSetStructuredErrorHandler(reader, (xmlStructuredErrorFunc)handler, userData);
}

/// Routes this thread's libxml2 errors to `handler` (NULL to stop). The reader's own
/// handler cannot be used together with schema validation (the schema SAX plug-in passes
/// it the wrong context), so parse errors are caught here, per thread, around one read.
static inline void portbooks_xml_set_thread_structured_errors(
    portbooks_xml_structured_error handler, void *userData) {
    xmlSetStructuredErrorFunc(userData, (xmlStructuredErrorFunc)handler);
}

static void portbooks_xml_ignore_generic_error(void *context, const char *message, ...) {
    (void)context; (void)message;
}

/// Stops (1) or restores (0) libxml2's legacy generic errors on this thread, which it
/// otherwise prints on stderr ("Unimplemented block at xmlschemas.c…"); every error that
/// matters also arrives through the structured handler.
static inline void portbooks_xml_silence_generic_errors(int silence) {
    xmlSetGenericErrorFunc(NULL, silence ? portbooks_xml_ignore_generic_error : NULL);
}

static inline void portbooks_xml_set_schema_structured_errors(
    xmlSchemaValidCtxtPtr ctxt, portbooks_xml_structured_error handler, void *userData) {
    xmlSchemaSetValidStructuredErrors(ctxt, (xmlStructuredErrorFunc)handler, userData);
}

static inline void portbooks_xml_set_parser_structured_errors(
    xmlSchemaParserCtxtPtr ctxt, portbooks_xml_structured_error handler, void *userData) {
    xmlSchemaSetParserStructuredErrors(ctxt, (xmlStructuredErrorFunc)handler, userData);
}

/// An external-entity loader that refuses everything: untrusted files never make
/// libxml2 open a file or a URL (shared/PITFALLS.md 2).
static xmlParserInputPtr portbooks_xml_refuse_entity_loader(
    const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

static inline void portbooks_xml_install_refusing_entity_loader(void) {
    xmlSetExternalEntityLoader(portbooks_xml_refuse_entity_loader);
}

/// `xmlFree` is a global function-pointer variable, which Swift 6 treats as shared mutable state.
static inline void portbooks_xml_free(void *pointer) {
    xmlFree(pointer);
}

#endif
