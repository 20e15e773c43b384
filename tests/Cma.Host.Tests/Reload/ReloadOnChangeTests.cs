using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Cma.Host.Tests.Reload.ReloadConfig;

namespace Cma.Host.Tests.Reload;

/// <summary><c>reloadOnChange</c>: a real JSON file on disk, added with <c>AddJsonFile(path, reloadOnChange: true)</c> and
/// given to <c>AddCma</c>; each edit is applied to the running service. The tests wait on the service's reload outcome
/// (signalled by the file's change token), never on sleeps.</summary>
public sealed class ReloadOnChangeTests : IDisposable
{
    private static readonly string A = Region("a", "0x40000000");
    private static readonly string B = Region("b", "0x40100000");

    /// <summary>Generous: the file watcher's delay plus a loaded machine.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("cma-reload-").FullName;

    private string FilePath => Path.Combine(_folder, "appsettings.json");

    [Fact]
    public async Task Valid_and_invalid_edits_of_the_file_apply_or_change_nothing_and_a_repeated_edit_applies_once()
    {
        Write(Json($"[ {A} ]", """["*=a"]"""));
        IConfigurationRoot configuration = new ConfigurationBuilder().AddJsonFile(FilePath, optional: false, reloadOnChange: true).Build();
        using ServiceProvider services = new ServiceCollection().AddCma(configuration.GetSection("Cma")).BuildServiceProvider();
        var service = (CmaService)services.GetRequiredService<ICmaService>();
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<CmaReloadOutcome>();
        service.Reloaded += outcomes.Enqueue;

        // Add a region and route to it.
        CmaReloadOutcome added = await EditAndWait(service, Json($"[ {A}, {B} ]", """["cam=b", "*=a"]"""));
        Assert.Equal(CmaReloadResult.Applied, added.Result);
        Assert.Equal("b", service.Allocate("cam", null, 4096).Region);

        // An invalid edit: nothing changes, the outcome says why.
        CmaReloadOutcome invalid = await EditAndWait(service, Json($"[ {A}, {Region("b", "0x40100000", "no-such-allocator")} ]", """["cam=b", "*=a"]"""));
        Assert.Equal(CmaReloadResult.Invalid, invalid.Result);
        Assert.Contains(invalid.Problems, p => p.Contains("no-such-allocator", StringComparison.Ordinal));
        Assert.Same(invalid, service.LastReload);
        Assert.Equal("best-fit", service.GetRegion("b").Allocator);

        // Swap b's allocator; then write the very same file again: it applies once.
        string swapped = Json($"[ {A}, {Region("b", "0x40100000", "tlsf")} ]", """["cam=b", "*=a"]""");
        Assert.Equal(CmaReloadResult.Applied, (await EditAndWait(service, swapped)).Result);
        Assert.Equal("tlsf", service.GetRegion("b").Allocator);
        Assert.Equal(CmaReloadResult.Unchanged, (await EditAndWait(service, swapped, anyOutcome: true)).Result);
        Assert.Equal(2, outcomes.Count(o => o.Result == CmaReloadResult.Applied));

        // Remove a (empty) and route everything to b.
        CmaReloadOutcome removed = await EditAndWait(service, Json($"[ {Region("b", "0x40100000", "tlsf")} ]", """["*=b"]"""));
        Assert.Equal(CmaReloadResult.Applied, removed.Result);
        Assert.Equal(["b"], service.GetRegions().Select(r => r.Name));
        Assert.Equal("b", service.Allocate("gpu", null, 4096).Region);
    }

    /// <summary>Writes <paramref name="json"/> to the file (atomically: a temporary file renamed over it) and waits for the
    /// reload it causes: the first outcome that is not <see cref="CmaReloadResult.Unchanged"/> (a watcher may report one
    /// write twice), or with <paramref name="anyOutcome"/> the first outcome at all.</summary>
    private async Task<CmaReloadOutcome> EditAndWait(CmaService service, string json, bool anyOutcome = false)
    {
        var done = new TaskCompletionSource<CmaReloadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(CmaReloadOutcome o)
        {
            if (anyOutcome || o.Result != CmaReloadResult.Unchanged)
                done.TrySetResult(o);
        }
        service.Reloaded += OnReloaded;
        try
        {
            Write(json);
            return await done.Task.WaitAsync(s_timeout);
        }
        finally
        {
            service.Reloaded -= OnReloaded;
        }
    }

    private void Write(string json)
    {
        string temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, FilePath, overwrite: true);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
