using System.Diagnostics;

namespace Cma.Host.Workloads;

/// <summary>
/// Where <see cref="AllocatorTiming"/> reads its timestamps and the process's processor time. A struct type argument, so the timed loop is compiled for
/// it and a read costs what the clock costs: <see cref="StopwatchClock"/> in a comparison, a fake in the tests.
/// </summary>
internal interface IReplayClock
{
    /// <summary>Ticks per second.</summary>
    long Frequency { get; }

    /// <summary>The time now, in ticks.</summary>
    long Now();

    /// <summary>The processor time the process has used so far (to tell when the OS gave the core to another process).</summary>
    TimeSpan ProcessorTime();
}

/// <summary>The clock of a real comparison: <see cref="Stopwatch.GetTimestamp"/>.</summary>
internal readonly struct StopwatchClock : IReplayClock
{
    /// <inheritdoc/>
    public long Frequency => Stopwatch.Frequency;

    /// <inheritdoc/>
    public long Now() => Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public TimeSpan ProcessorTime() => Environment.CpuUsage.TotalTime;
}
