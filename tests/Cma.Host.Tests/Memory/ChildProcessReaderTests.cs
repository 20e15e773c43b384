using System.Security.Cryptography;
using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Memory;

/// <summary>
/// A second process reads what this process wrote into a backed region: <c>dd</c> reads the chunk's bytes straight
/// from the region's file (File) or its <c>/dev/shm</c> name (Shared), and <c>sha256sum</c> hashes them. (The
/// embedding sample, which embeds Cma from the packages, is built and run by the package tests.)
/// </summary>
[Collection("Real memory processes")]
public class ChildProcessReaderTests
{
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

            (int exitCode, string output) = ChildProcess.Run("bash", ["-c",
                $"dd if='{path}' iflag=skip_bytes,count_bytes skip={chunk.RegionOffset} count=100000 status=none | sha256sum"]);

            Assert.True(exitCode == 0, output);
            Assert.StartsWith(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            if (backing == "File")
                File.Delete(path);
        }
    }
}
