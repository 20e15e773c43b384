// Cma embedded in an application: the same runtime as the `cma` host, injected with services.AddCma(...).
//   (no arguments)                       allocate a 1 MiB-aligned 8 MiB buffer for device "gpu", fill it, hand its
//                                        pointer to libc, check what libc wrote, free it
//   --read-shared PATH OFFSET LENGTH     map a File/Shared region's file read-only (as a second process would) and
//                                        print the SHA-256 of the bytes at OFFSET
//   --bench [ROUNDS]                     allocate + fill + free 4 MiB chunks through Cma and through
//                                        NativeMemory.AlignedAlloc, and print the throughput ratio
using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Cma.Runtime;
using Cma.Samples.Embedding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

if (args is ["--read-shared", string path, string offsetText, string lengthText])
    return ReadShared(path, long.Parse(offsetText, CultureInfo.InvariantCulture), int.Parse(lengthText, CultureInfo.InvariantCulture));

IConfiguration configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("embedding.json")
    .Build();
var services = new ServiceCollection();
services.AddCma(configuration.GetSection("Cma"));

// Disposing the container disposes the Cma service: every region's memory is released.
using ServiceProvider provider = services.BuildServiceProvider();
ICmaService cma = provider.GetRequiredService<ICmaService>();

if (args is ["--bench", ..])
    return Bench(cma, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000);

const ulong Size = 8 << 20, Alignment = 1 << 20;
using (CmaBuffer buffer = cma.AllocateBuffer("gpu", "staging", Size, Alignment))
{
    Console.WriteLine($"allocated {Size >> 20} MiB at 0x{buffer.Address:X} in region '{buffer.Region}' ({buffer.Backing}), "
        + $"1 MiB-aligned: {buffer.Pointer % (nint)Alignment == 0}");
    Span<byte> bytes = buffer.Span;
    bytes.Fill(0xC3);
    // Native code gets the pointer: libc overwrites the second half, then finds where that half starts.
    Libc.Memset(buffer.Pointer + (nint)(Size / 2), 0x3C, (nuint)(Size / 2));
    nint found = Libc.Memchr(buffer.Pointer, 0x3C, (nuint)Size);
    bool intact = !bytes[..(int)(Size / 2)].ContainsAnyExcept((byte)0xC3) && !bytes[(int)(Size / 2)..].ContainsAnyExcept((byte)0x3C);
    Console.WriteLine($"libc memset the second half; memchr found it at offset {found - buffer.Pointer}; bytes as expected: {intact}");
    if (!intact || found - buffer.Pointer != (nint)(Size / 2))
        return 1;
}
Console.WriteLine("freed");
return 0;

static int ReadShared(string path, long offset, int length)
{
    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
    using MemoryMappedViewAccessor view = map.CreateViewAccessor(offset, length, MemoryMappedFileAccess.Read);
    byte[] bytes = new byte[length];
    view.ReadArray(0, bytes, 0, length);
    Console.WriteLine($"sha256 {Convert.ToHexStringLower(SHA256.HashData(bytes))} first 0x{bytes[0]:X2}");
    return 0;
}

static int Bench(ICmaService cma, int rounds)
{
    const int Chunk = 4 << 20;
    double Run(Action round)
    {
        for (int i = 0; i < rounds / 10; i++)
            round();   // warm-up
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
            round();
        return rounds / clock.Elapsed.TotalSeconds;
    }
    double viaCma = Run(() =>
    {
        using CmaBuffer buffer = cma.AllocateBuffer("bench", null, Chunk, 4096);
        buffer.Span.Fill(0x5A);
    });
    double direct = Run(() =>
    {
        unsafe
        {
            void* p = NativeMemory.AlignedAlloc(Chunk, 4096);
            new Span<byte>(p, Chunk).Fill(0x5A);
            NativeMemory.AlignedFree(p);
        }
    });
    Console.WriteLine($"4 MiB allocate+fill+free, {rounds} rounds: Cma {viaCma:F0}/s, NativeMemory.AlignedAlloc {direct:F0}/s, ratio Cma/direct {viaCma / direct:F2}");
    return 0;
}
