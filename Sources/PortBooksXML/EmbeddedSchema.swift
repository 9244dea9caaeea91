/// The drop-file XSD compiled into the tool; generated from schemas/portpro-export.xsd by
/// scripts/embed-schema.sh (a test checks the two are equal).
enum EmbeddedSchema {
    static let portproExportXSD = ""
}
