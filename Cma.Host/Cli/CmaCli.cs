using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Cma.Host.Cli;

/// <summary>
/// The <c>cma</c> command line. Exit codes: 0 the command ran; 1 a check failed (a conformance failure, a plugin that
/// failed to load in <c>plugins</c>, a plugin fault that fenced a region in <c>replay</c> or <c>compare</c>); 2 bad usage, bad configuration or unreadable input — one clear paragraph on
/// standard error, never a stack trace.
/// </summary>
internal static class CmaCli
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand BuildRoot(CliConsole console)
    {
        var root = new RootCommand("cma — a contiguous memory allocator host: regions bound to allocator plugins, reached by devices through a map.");
        root.Options.Add(CliOptions.Config);
        root.Options.Add(CliOptions.Plugin);
        root.Subcommands.Add(InfoCommand.Build(console));
        root.Subcommands.Add(PluginsCommand.Build(console));
        root.Subcommands.Add(ReplayCommand.Build(console));
        root.Subcommands.Add(CompareCommand.Build(console));
        root.Subcommands.Add(TraceCommand.Build(console));
        root.Subcommands.Add(ConformanceCommand.Build(console));
        root.SetAction(parse => MainJob.Run(parse, console));
        return root;
    }

    /// <summary>Parses and runs; maps parse errors and user errors to exit code 2.</summary>
    public static int Run(string[] args, CliConsole console)
    {
        RootCommand root = BuildRoot(console);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (ParseError error in parse.Errors)
                console.Error.WriteLine("cma: " + Describe(error.Message));
            console.Error.WriteLine($"Run '{HelpCommand(parse)}' for usage.");
            return 2;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = console.Output, Error = console.Error, EnableDefaultExceptionHandler = false });
        }
        catch (CliExitException e)
        {
            console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
    }

    /// <summary>A parse error in the user's terms: "--ops takes a whole number; '1e3' is not one" rather than the
    /// parser's "as expected type 'System.Int64'".</summary>
    private static string Describe(string message)
    {
        Match m = Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$");
        if (!m.Success)
            return message;
        string kind = m.Groups["type"].Value switch
        {
            "System.Int32" => "a whole number up to 2,147,483,647",
            "System.Int64" => "a whole number",
            string t when t.Contains("System.Double", StringComparison.Ordinal) => "a number (e.g. 0.7)",
            _ => "a value of another kind",
        };
        return $"{m.Groups["option"].Value} takes {kind}; '{m.Groups["value"].Value}' is not one.";
    }

    /// <summary>"cma trace generate --help": the help of the command the user was typing.</summary>
    private static string HelpCommand(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c && c.Command is not RootCommand; r = c.Parent)
            names.Insert(0, c.Command.Name);
        return string.Join(' ', ["cma", .. names, "--help"]);
    }
}
