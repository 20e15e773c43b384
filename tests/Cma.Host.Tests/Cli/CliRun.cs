using Cma.Host.Cli;

namespace Cma.Host.Tests.Cli;

/// <summary>Runs the real <c>cma</c> command line in-process, capturing what it prints.</summary>
internal static class CliRun
{
    /// <summary>The repository's default appsettings.json, as copied beside the host.</summary>
    public static string DefaultConfig
    {
        get
        {
            string beside = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
            Assert.True(File.Exists(beside), $"the default appsettings.json should be copied to {beside}");
            return beside;
        }
    }

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CmaCli.Run(args, new CliConsole(output, error, interactive: false));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Writes <paramref name="json"/> to a fresh temporary file and returns its path.</summary>
    public static string TempConfig(string json)
    {
        string dir = Path.Combine(Path.GetTempPath(), "cma-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(path, json);
        return path;
    }
}
