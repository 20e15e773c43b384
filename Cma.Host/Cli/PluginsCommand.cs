using System.CommandLine;
using System.Text.Json;
using Cma.Runtime.Plugins;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary><c>cma plugins</c>: every provider found (name, description, version, file, SHA-256) and every plugin
/// that failed to load. Exit code 1 when any failed.</summary>
internal static class PluginsCommand
{
    public static Command Build(CliConsole console)
    {
        Option<bool> json = CliOptions.Json();
        var command = new Command("plugins", "List the allocator plugins found, with their SHA-256 for pinning, and any that failed to load.") { json };
        command.SetAction(parse =>
        {
            using HostLoader host = HostLoader.LoadPlugins(parse, console);
            PluginCatalog catalog = host.Catalog;
            if (parse.GetValue(json))
            {
                var doc = new
                {
                    providers = catalog.Providers.Select(p => new { name = p.Name, description = p.Description, version = p.Version, file = p.FilePath, sha256 = p.Sha256 }),
                    failures = catalog.Failures.Select(f => new { file = f.FilePath, reason = f.Reason }),
                };
                console.Output.WriteLine(JsonSerializer.Serialize(doc, CliJson.Options));
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).Title("Allocator plugins");
                table.AddColumns("Name", "Description", "Version", "File");
                foreach (PluginProvider p in catalog.Providers)
                    table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Description), Markup.Escape(p.Version), Markup.Escape(ShortPath(p.FilePath)));
                console.Ansi.Write(table);
                console.Ansi.MarkupLine("SHA-256 of each plugin (pin one with Plugins:Sha256 { \"<file>.dll\": \"<hash>\" }):");
                foreach (PluginProvider p in catalog.Providers.DistinctBy(p => p.FilePath))
                    console.Ansi.MarkupLine($"  {Markup.Escape(Path.GetFileName(p.FilePath))}  {p.Sha256}");
                foreach (PluginLoadFailure f in catalog.Failures)
                    console.Error.WriteLine($"cma: plugin refused: {f}");
                if (!console.Interactive)
                    console.Output.WriteLine($"{catalog.Providers.Count} provider(s) loaded, {catalog.Failures.Count} plugin failure(s).");
            }
            return catalog.Failures.Count == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>A path relative to the executable's folder when it lies inside it.</summary>
    private static string ShortPath(string path)
    {
        string relative = Path.GetRelativePath(AppContext.BaseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
