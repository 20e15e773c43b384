using Cma.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cma.JournalChild;

/// <summary>
/// <c>JournalChild host CONFIG SEED</c>: the same loop through the whole host, the way an application uses it — a
/// service built by <c>AddCma</c> from CONFIG (one persisted File region, <c>r</c>), its restored chunks reopened as
/// handles (prints <c>R &lt;count&gt;</c>), then allocations and frees at random until killed. An allocation returns
/// (journalled inside the call), its bytes are written, then <c>A &lt;offset&gt; &lt;requested&gt; &lt;tag&gt;</c> is
/// printed; a free prints its intent <c>f &lt;offset&gt;</c>, disposes the handle, then prints <c>F &lt;offset&gt;</c>.
/// </summary>
internal static class HostMode
{
    public static int Run(string config, int seed)
    {
        IConfigurationRoot root = new ConfigurationBuilder().AddJsonFile(config).Build();
        using ServiceProvider services = new ServiceCollection().AddLogging().AddCma(root.GetSection("Cma")).BuildServiceProvider();
        ICmaService cma = services.GetRequiredService<ICmaService>();
        var live = new List<CmaBuffer>(cma.ReopenBuffers("r"));
        TextWriter output = Console.Out;
        output.WriteLine($"R {live.Count}");
        output.Flush();
        var random = new Random(seed);
        for (ulong operation = 0; ; operation++)
        {
            if (live.Count > 0 && (live.Count >= 48 || random.Next(100) < 45))
            {
                int victim = random.Next(live.Count);
                output.WriteLine($"f {live[victim].RegionOffset}");
                output.Flush();
                ulong offset = live[victim].RegionOffset;
                live[victim].Dispose();
                live.RemoveAt(victim);
                output.WriteLine($"F {offset}");
                output.Flush();
                continue;
            }
            ulong requested = 8 + (ulong)random.Next(8192);
            if (cma.TryAllocateBufferFrom("r", requested, 0, out CmaBuffer? buffer) != CmaOutcome.Ok)
                continue;
            ulong tag = ((ulong)(uint)seed << 32) | (operation & 0xFFFF_FFFF);
            JournalPattern.Fill(buffer!.Span, tag);
            live.Add(buffer);
            output.WriteLine($"A {buffer.RegionOffset} {requested} {tag}");
            output.Flush();
        }
    }
}
