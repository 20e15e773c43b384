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
/// an error naming the file and the owner's pid, and leaves the owner's bytes and the file alone. Within a process,
/// two regions over one file — by the same path, a symbolic link or a hard link — are refused naming both.
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

    [Fact]
    public void A_second_host_in_the_same_process_over_a_file_the_first_maps_is_refused_naming_the_first_region()
    {
        string name = BackedRegions.UniqueSharedName();
        using TestHost owner = BackedRegions.Start(BackedRegions.Mapped("first", "Shared", name));
        using CmaBuffer chunk = BackedRegions.Allocate(owner, "first", 4096);
        chunk.Span.Fill(0x42);

        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = Build($"[ {BackedRegions.Mapped("second", "Shared", name)} ]");

        Assert.Null(service);
        ConfigProblem problem = Assert.Single(problems);
        Assert.Equal("Cma:Regions:0:BackingPath", problem.Field);
        Assert.Contains("region 'second'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("region 'first'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("this process", problem.Message, StringComparison.Ordinal);
        Assert.False(chunk.Span.ContainsAnyExcept((byte)0x42));
        Assert.True(File.Exists("/dev/shm/" + name));
    }

    [Theory]
    [InlineData("symbolic")]
    [InlineData("hard")]
    public void Two_regions_over_a_file_and_a_link_to_it_are_a_start_up_error_naming_both_regions_and_paths(string link)
    {
        string folder = Path.Combine(Path.GetTempPath(), "cma-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "region.bin"), alias = Path.Combine(folder, "alias.bin");
        try
        {
            File.WriteAllBytes(file, new byte[1 << 20]);
            if (link == "symbolic")
                File.CreateSymbolicLink(alias, file);
            else
                Assert.Equal(0, ChildProcess.Run("ln", [file, alias]).ExitCode);

            (CmaService? service, IReadOnlyList<ConfigProblem> problems) = Build(
                $"[ {BackedRegions.Mapped("a", "File", file)}, {BackedRegions.Mapped("b", "File", alias)} ]");

            service?.Dispose();
            Assert.Null(service);
            ConfigProblem problem = Assert.Single(problems);
            Assert.Equal("Cma:Regions:1:BackingPath", problem.Field);
            Assert.Contains("region 'b'", problem.Message, StringComparison.Ordinal);
            Assert.Contains("region 'a'", problem.Message, StringComparison.Ordinal);
            Assert.Contains($"'{alias}'", problem.Message, StringComparison.Ordinal);
            Assert.Contains($"'{file}'", problem.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (CmaService? Service, IReadOnlyList<ConfigProblem> Problems) Build(string regions)
    {
        CmaOptions options = ConfigAssert.Valid(ConfigAssert.Config(regions));
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);
        return CmaRuntimeBuilder.Build(options, catalog, NullLoggerFactory.Instance);
    }
}
