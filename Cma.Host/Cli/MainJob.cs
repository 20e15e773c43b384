using System.CommandLine;

namespace Cma.Host.Cli;

/// <summary><c>cma</c> with no subcommand: the host's main job. Until the workload replay lands it shows <c>info</c>.</summary>
internal static class MainJob
{
    public static int Run(ParseResult parse, CliConsole console) => InfoCommand.Run(parse, console, null, null, json: false);
}
