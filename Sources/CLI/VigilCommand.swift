/// The `vigil` command line: tokenise, bind to a command, validate, run.
public enum VigilCommand {
    /// The version `vigil --version` prints.
    public static let version = "0.1.0-dev"

    /// Every command, in help order.
    static let commands: [CommandSpec] = [
        QueryCommand.spec, ImportCommand.spec, CheckRulesCommand.spec, CheckDatabaseCommand.spec, TestRulesCommand.spec, NotifyTestCommand.spec,
        NotifySendCommand.spec, PromQLTestCommand.spec,
    ]

    /// Runs the command line (without the program name) and returns the process exit code.
    public static func main(_ args: [String]) -> Int32 {
        do {
            return try dispatch(ArgumentToken.tokenize(args)).rawValue
        } catch {
            Console.err(error.report)
            return ExitCode.usage.rawValue
        }
    }

    static func dispatch(_ tokens: [ArgumentToken]) throws(UsageError) -> ExitCode {
        guard let first = tokens.first else {
            Console.err(HelpFormatter.topLevel(commands))
            return .usage
        }
        let rest = Array(tokens.dropFirst())
        switch first {
        case .option(name: "help", value: nil), .option(name: "h", value: nil):
            Console.out(HelpFormatter.topLevel(commands))
            return .ok
        case .option(name: "version", value: nil):
            Console.out("vigil \(version)\n")
            return .ok
        case .option, .terminator:
            throw UsageError("expected a command before '\(first.text)'")
        case .argument("help"):
            return try help(rest)
        case .argument(let word):
            // Two-word commands: `check rules`, `test rules`.
            var name = word
            var rest = rest
            if case .argument(let second)? = rest.first, commands.contains(where: { $0.name == "\(word) \(second)" }) {
                name = "\(word) \(second)"
                rest.removeFirst()
            }
            guard let spec = commands.first(where: { $0.name == name }) else {
                var message = "unknown command '\(name)'"
                if let guess = BoundArguments.closest(name, among: commands.map(\.name)) { message += "; did you mean '\(guess)'?" }
                throw UsageError(message)
            }
            let bound = try BoundArguments.bind(rest, to: spec)
            if bound.flags.contains("help") {
                Console.out(HelpFormatter.command(spec))
                return .ok
            }
            switch spec.name {
            case QueryCommand.spec.name: return try QueryCommand.validate(bound).run()
            case ImportCommand.spec.name: return try ImportCommand.validate(bound).run()
            case CheckRulesCommand.spec.name: return try CheckRulesCommand.validate(bound).run()
            case CheckDatabaseCommand.spec.name: return try CheckDatabaseCommand.validate(bound).run()
            case TestRulesCommand.spec.name: return try TestRulesCommand.validate(bound).run()
            case NotifyTestCommand.spec.name: return try NotifyTestCommand.validate(bound).run()
            case NotifySendCommand.spec.name: return try NotifySendCommand.validate(bound).run()
            default: return try PromQLTestCommand.validate(bound).run()
            }
        }
    }

    /// `vigil help [COMMAND]`.
    static func help(_ tokens: [ArgumentToken]) throws(UsageError) -> ExitCode {
        guard let first = tokens.first else {
            Console.out(HelpFormatter.topLevel(commands))
            return .ok
        }
        guard tokens.count == 1, case .argument(let name) = first else {
            throw UsageError("usage: vigil help [COMMAND]")
        }
        guard let spec = commands.first(where: { $0.name == name }) else { throw UsageError("unknown command '\(name)'") }
        Console.out(HelpFormatter.command(spec))
        return .ok
    }
}
