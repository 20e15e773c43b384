using System.CommandLine;

namespace Cma.Host.Cli;

/// <summary>Options shared by every command.</summary>
internal static class CliOptions
{
    /// <summary>The configuration file; by default appsettings.json in the working directory, else beside the executable.</summary>
    public static readonly Option<string?> Config = new("--config")
    {
        Description = "The configuration file (default: appsettings.json in the working directory, else the one beside cma).",
        Recursive = true,
        HelpName = "PATH",
    };

    /// <summary>Extra plugins for this run: a plugin DLL or a folder of plugin folders; repeatable.</summary>
    public static readonly Option<string[]> Plugin = new("--plugin")
    {
        Description = "Also load this plugin: a DLL, a plugin folder <Name>/ holding <Name>.dll, a build output folder (<Name>.dll beside <Name>.deps.json), or a folder of plugin folders (repeatable).",
        Recursive = true,
        HelpName = "PATH",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Machine-readable output.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Write JSON instead of a table." };
}
