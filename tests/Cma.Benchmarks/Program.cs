using BenchmarkDotNet.Running;
using Cma.Benchmarks;

// dotnet run -c Release --project tests/Cma.Benchmarks -- memory     metadata bytes per live chunk (B at 1M) and workload C
// dotnet run -c Release --project tests/Cma.Benchmarks -- threads    two threads on two regions against one thread
// dotnet run -c Release --project tests/Cma.Benchmarks -- quick B-1M best-fit host   one case, stopwatch (for iterating)
// dotnet run -c Release --project tests/Cma.Benchmarks -- trace /tmp/main.trace tlsf buddy   a gen_trace.py file replayed on raw plugins
//     ... trace FILE --host PLUGIN...     also through a one-region host;  ... trace FILE --layers PLUGIN...   the host path piece by piece
// dotnet run -c Release --project tests/Cma.Benchmarks -- registry /tmp/main.trace buddy   the chunk registry alone, on the plugin's addresses
// dotnet run -c Release --project tests/Cma.Benchmarks -- reusable [migration|alloc|quick]   reusable regions: 64 MiB migration vs memmove; no-move allocate+free
// dotnet run -c Release --project tests/Cma.Benchmarks -- journal    persistent chunks: journal record cost (both flush policies), reopen of 1M chunks
// dotnet run -c Release --project tests/Cma.Benchmarks -- persist [rounds]   Persist: true per allocate+free (both flush policies) vs none; reopen of 100K chunks
// dotnet run -c Release --project tests/Cma.Benchmarks -- swap [chunks] [rounds] [packed,holey]   live allocator swap of a region with 100K chunks
// dotnet run -c Release --project tests/Cma.Benchmarks -- suite          the BenchmarkDotNet suite (A, A-mix, B; raw and host), one process per case
// dotnet run -c Release --project tests/Cma.Benchmarks -- --filter '*'   the same cases, and the reusable ones, in one process (faster; biased by shared JIT profiles)
if (args.Length > 0 && args[0] == "memory")
    return MemoryMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "threads")
    return ThreadsMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "suite")
    return SuiteMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "trace")
    return TraceFileMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "reusable")
    return ReusableMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "persist")
    return PersistMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "journal")
    return JournalMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "swap")
    return SwapMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "registry")
    return RegistryMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "quick")
    return QuickMode.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(WorkloadABenchmarks).Assembly).Run(args);
return 0;
