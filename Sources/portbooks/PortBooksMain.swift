import ArgumentParser
import PortBooksCommands

/// The executable: everything lives in PortBooksCommands; this only starts it (asynchronously).
@main
struct PortBooksMain: AsyncMainProtocol {
    typealias Command = PortBooksCommand
}
