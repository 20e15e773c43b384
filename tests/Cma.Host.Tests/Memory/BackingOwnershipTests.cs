using System.Security.Cryptography;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Cli;
using Cma.Host.Tests.Configuration;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Host.Tests.Memory;

/// <summary>
/// One process owns a File or Shared backing file, by an advisory lock taken before the file is touched: a second
/// process configured with the same file (here the real <c>cma</c> command line, run as a child) fails to start with
/// an error naming the file and the owner's pid, and leaves the owner's bytes and the file alone.
/// </summary>
[Collection("Real memory processes")]
public class BackingOwnershipTests
{
    [Theory]
    [InlineData("Shared")]
    [InlineData("File")]
    public void A_second_process_over_a_backing_file_another_owns_fails_to_start_and_changes_nothing(string backing)
    {
        string name = BackedRegions.UniqueSharedName();
        string path = backing == "Shared" ? "/dev/shm/" + name : Path.Combine(Path.GetTempPath(), name + ".bin");
        string region = BackedRegions.Mapped("m", backing, backing == "Shared" ? name : path, "2M");
        string config = CliRun.TempConfig($$"""{ "Cma": { "Regions": [ {{region}} ] } }""");
        try
        {
            using TestHost owner = BackedRegions.Start(region);
            using CmaBuffer chunk = BackedRegions.Allocate(owner, "m", 1 << 20);
            new Random(5).NextBytes(chunk.Span);
            byte[] before = SHA256.HashData(chunk.Span);
            // The owner's process may open and close the file itself (to read it, say) without giving up ownership.
            File.ReadAllBytes(path);

            (int exitCode, string output) = ChildProcess.RunCma("info", "--config", config);

            Assert.True(exitCode == 2, $"exit code {exitCode}: {output}");
            Assert.Contains($"'{path}'", output, StringComparison.Ordinal);
            Assert.Contains($"process {Environment.ProcessId}", output, StringComparison.Ordinal);
            Assert.Equal(before, SHA256.HashData(chunk.Span));
            Assert.True(File.Exists(path), "the second process must not unlink the owner's file");
            Assert.Equal(2L << 20, new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
            Directory.Delete(Path.GetDirectoryName(config)!, recursive: true);
        }
    }

    private static (CmaService? Service, IReadOnlyList<ConfigProblem> Problems) Build(string regions)
    {
        CmaOptions options = ConfigAssert.Valid(ConfigAssert.Config(regions));
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);
        return CmaRuntimeBuilder.Build(options, catalog, NullLoggerFactory.Instance);
    }
}
