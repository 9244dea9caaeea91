import PortBooksCommands

/// The executable: everything lives in PortBooksCommands; this sets up logging and starts it.
@main
enum PortBooksMain {
    static func main() async {
        LogSetup.bootstrap()
        await PortBooksCommand.main()
    }
}
