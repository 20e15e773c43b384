using BenchmarkDotNet.Running;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>reusable</c> mode: the reusable-region benchmarks through BenchmarkDotNet, each class in one process so that its
/// cases are side by side in one run — <see cref="MigrationBenchmarks"/> (a 64 MiB migration against a plain 64 MiB
/// memmove) and <see cref="ReusableAllocBenchmarks"/> (a no-move contiguous allocate+free pair in an ordinary region,
/// a reusable one, and a reusable one with movable chunks out of the way). Arguments: <c>migration</c> or
/// <c>alloc</c> to run one class (default both); anything after is passed to BenchmarkDotNet. <c>quick [rounds]</c>
/// runs every case interleaved with a stopwatch instead (<see cref="ReusableQuickMode"/>).
/// </summary>
internal static class ReusableMode
{
    public static int Run(string[] args)
    {
        string which = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "both";
        string[] rest = which == "both" ? args : args[1..];
        if (which == "quick")
            return ReusableQuickMode.Run(rest);
        if (which is not ("both" or "migration" or "alloc"))
        {
            Console.Error.WriteLine("usage: reusable [migration|alloc] [BenchmarkDotNet options] | reusable quick [rounds]");
            return 2;
        }
        if (which is "both" or "migration")
            BenchmarkRunner.Run<MigrationBenchmarks>(args: rest);
        if (which is "both" or "alloc")
            BenchmarkRunner.Run<ReusableAllocBenchmarks>(args: rest);
        return 0;
    }
}
