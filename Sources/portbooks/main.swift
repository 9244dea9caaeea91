import PortBooksCommands

PortBooksCommand.main()
