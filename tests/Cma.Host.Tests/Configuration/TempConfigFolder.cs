namespace Cma.Host.Tests.Configuration;

/// <summary>A unique folder under the temp directory for test configuration files, deleted on dispose.</summary>
internal sealed class TempConfigFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempConfigFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cma-config-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="json"/> to <paramref name="relativePath"/> inside the folder; returns its full path.</summary>
    public string Write(string json, string relativePath = "appsettings.json")
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, json);
        return full;
    }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
