using System.Security.Cryptography;
using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Memory;

/// <summary>
/// The embedding sample (tests/samples/Cma.Samples.Embedding), built by the test and run as a child process: it embeds
/// the runtime with AddCma and hands a buffer to libc; with <c>--read-shared</c> it is the second process that maps a
/// File or Shared region read-only and reads a chunk this process wrote.
/// </summary>
[Collection("Real memory processes")]
public class EmbeddingSampleTests : IClassFixture<EmbeddingSampleTests.BuiltSample>
{
    /// <summary>The sample's built DLL.</summary>
    private readonly BuiltSample _sample;

    public EmbeddingSampleTests(BuiltSample sample) => _sample = sample;

    [Fact]
    public void The_sample_allocates_an_aligned_buffer_fills_it_hands_it_to_libc_and_frees_it()
    {
        (int exitCode, string output) = _sample.Run();

        Assert.True(exitCode == 0, output);
        Assert.Contains("allocated 8 MiB", output, StringComparison.Ordinal);
        Assert.Contains("1 MiB-aligned: True", output, StringComparison.Ordinal);
        Assert.Contains("memchr found it at offset 4194304; bytes as expected: True", output, StringComparison.Ordinal);
        Assert.Contains("freed", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Shared")]
    [InlineData("File")]
    public void A_child_process_reads_the_bytes_of_a_chunk_in_a_mapped_region(string backing)
    {
        string name = BackedRegions.UniqueSharedName();
        string path = backing == "Shared" ? "/dev/shm/" + name : Path.Combine(Path.GetTempPath(), name + ".bin");
        try
        {
            using TestHost host = BackedRegions.Start(BackedRegions.Mapped("m", backing, backing == "Shared" ? name : path, "2M"));
            using CmaBuffer header = BackedRegions.Allocate(host, "m", 4096);
            using CmaBuffer chunk = BackedRegions.Allocate(host, "m", 100_000);
            new Random(7).NextBytes(chunk.Span);
            string expected = Convert.ToHexStringLower(SHA256.HashData(chunk.Span));

            (int exitCode, string output) = _sample.Run("--read-shared", path, chunk.RegionOffset.ToString(), "100000");

            Assert.True(exitCode == 0, output);
            Assert.Contains("sha256 " + expected, output, StringComparison.Ordinal);
        }
        finally
        {
            if (backing == "File")
                File.Delete(path);
        }
    }

    /// <summary>Builds the sample once for the class (its references are already built with this test project).</summary>
    public sealed class BuiltSample
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        /// <summary>The sample's DLL in its own bin folder.</summary>
        private readonly string _dll;

        public BuiltSample()
        {
            string root = RepositoryRoot();
            string project = Path.Combine(root, "tests", "samples", "Cma.Samples.Embedding", "Cma.Samples.Embedding.csproj");
            (int exitCode, string output) = ChildProcess.Run(ChildProcess.Dotnet, ["build", project, "-c", Configuration, "-p:BuildProjectReferences=false", "-p:UseSharedCompilation=false", "-nodeReuse:false", "--nologo", "-v", "q"], 240_000);
            Assert.True(exitCode == 0, "building the embedding sample failed:" + Environment.NewLine + output);
            _dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", Configuration, "net10.0", "Cma.Samples.Embedding.dll");
        }

        /// <summary>Runs the sample with <paramref name="arguments"/>; its exit code and its output and errors.</summary>
        public (int ExitCode, string Output) Run(params string[] arguments) => ChildProcess.Run(ChildProcess.Dotnet, [_dll, .. arguments]);

        private static string RepositoryRoot()
        {
            for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "Cma.sln")))
                    return dir;
            }
            throw new InvalidOperationException("Cma.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
