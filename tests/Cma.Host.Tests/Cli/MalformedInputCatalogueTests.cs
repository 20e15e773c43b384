namespace Cma.Host.Tests.Cli;

/// <summary>
/// The catalogue of hostile and mistaken command lines in <c>Cli/Catalogue/</c>: each <c>NN-what.args</c> holds one
/// argument a line, run through <c>cma</c> in-process exactly as a user would type it; <c>NN-what.expected</c> holds
/// <c>exit N</c> on its first line and then exactly what the user sees on standard error. Nothing may reach standard
/// output. In both files <c>{dir}</c> stands for a fresh folder holding <c>a-directory/</c>, <c>a-fifo</c> (a named
/// pipe nobody writes), <c>a-dangling-link</c> (a symbolic link to nothing) and, when the case has one, <c>NN-what.trace</c> (written there as <c>{trace}</c>). The expected
/// files are the documentation of what a user sees; a change to a message changes them.
/// </summary>
public class MalformedInputCatalogueTests
{
    private static string CatalogueDirectory => Path.Combine(AppContext.BaseDirectory, "Cli", "Catalogue");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(CatalogueDirectory, "*.args").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cma_refuses_the_command_line_with_one_paragraph_and_exactly_the_catalogued_exit_code_and_message(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "cma-cli-catalogue-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "a-directory"));
        SpecialFiles.MakeFifo(Path.Combine(dir, "a-fifo"));
        File.CreateSymbolicLink(Path.Combine(dir, "a-dangling-link"), Path.Combine(dir, "nowhere"));
        string trace = Path.Combine(dir, name + ".trace");
        string source = Path.Combine(CatalogueDirectory, name + ".trace");
        if (File.Exists(source))
            File.Copy(source, trace);
        try
        {
            string[] args = [.. File.ReadAllLines(Path.Combine(CatalogueDirectory, name + ".args")).Select(a => Expand(a, dir, trace))];
            string[] expected = File.ReadAllText(Path.Combine(CatalogueDirectory, name + ".expected")).Split('\n', 2);
            if (!args.Contains("--config"))
                args = [.. args, "--config", CliRun.DefaultConfig];

            (int code, string output, string error) = CliRun.Run(args);

            Assert.Equal(expected[0].Trim(), $"exit {code}");
            Assert.Equal(Expand(expected[1], dir, trace).TrimEnd(), error.TrimEnd());
            Assert.Equal("", output);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_catalogued_command_line_has_its_expected_outcome()
    {
        string[] cases = Directory.GetFiles(CatalogueDirectory, "*.args");

        Assert.NotEmpty(cases);
        Assert.All(cases, c => Assert.True(File.Exists(Path.ChangeExtension(c, ".expected")), c));
    }

    private static string Expand(string text, string dir, string trace) =>
        text.Replace("{trace}", trace, StringComparison.Ordinal).Replace("{dir}", dir, StringComparison.Ordinal);
}
