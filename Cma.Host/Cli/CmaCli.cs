using System.CommandLine;

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
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
                console.Error.WriteLine("cma: " + error.Message);
            console.Error.WriteLine("Run 'cma --help' for usage.");
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
}
