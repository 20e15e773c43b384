using Cma.Host.Workloads;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>A Spectre progress bar per allocator (or per step), updated from <see cref="IComparisonProgress"/>.</summary>
internal sealed class ConsoleProgress : IComparisonProgress
{
    /// <summary>The live progress display's context.</summary>
    private readonly ProgressContext _context;

    /// <summary>One task per allocator, created on first report.</summary>
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

    public ConsoleProgress(ProgressContext context) => _context = context;

    public void Report(string allocator, string step, double fraction)
    {
        if (!_tasks.TryGetValue(allocator, out ProgressTask? task))
        {
            task = _context.AddTask(Markup.Escape(allocator), maxValue: 1000);
            _tasks.Add(allocator, task);
        }
        task.Description = Markup.Escape($"{allocator}: {step}");
        task.Value = Math.Clamp(fraction, 0, 1) * 1000;
        if (step == "done")
            task.StopTask();
    }

    /// <summary>Runs <paramref name="work"/> under a progress display when the console is interactive, else without one.</summary>
    public static T Run<T>(IAnsiConsole console, bool interactive, Func<IComparisonProgress?, T> work)
    {
        if (!interactive)
            return work(null);
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx => work(new ConsoleProgress(ctx)));
    }
}
