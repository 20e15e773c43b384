namespace Cma.Tests.Shared;

/// <summary>The repository the tests run from, and copies of parts of it (tests that build like a user copy what they
/// build out of the tree, so the tree under test is never touched).</summary>
internal static class RepositoryTree
{
    /// <summary>Folders never copied: build output, test results, git's own.</summary>
    private static readonly HashSet<string> s_skipped = ["bin", "obj", ".git", "TestResults", "artifacts"];

    /// <summary>The repository: the first folder above the test assembly that holds Cma.sln.</summary>
    /// <exception cref="InvalidOperationException">The tests do not run from a build inside the repository.</exception>
    public static string Root()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cma.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Cma.sln above {AppContext.BaseDirectory}: the test must run from a build inside the repository.");
    }

    /// <summary>Copies a folder, leaving out build output, test results and git's own folder.</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            if (!s_skipped.Contains(Path.GetFileName(dir)))
                Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
