using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>Where a command writes: a Spectre console over the output writer, and the error writer.</summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
            Ansi.Profile.Width = 160;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether output goes to a terminal (progress bars and colours) or is redirected (plain text).</summary>
    public bool Interactive { get; }

    /// <summary>The Spectre console over <see cref="Output"/>.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>The console of the process.</summary>
    public static CliConsole ForProcess() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);
}
