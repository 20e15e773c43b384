namespace Cma.Host.Tests;

public class SmokeTests
{
    [Fact]
    public void The_first_party_plugins_are_copied_beside_the_test_assembly()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "plugins", "Cma.Plugins.BestFit");
        Assert.True(File.Exists(Path.Combine(dir, "Cma.Plugins.BestFit.dll")), dir);
        Assert.False(File.Exists(Path.Combine(dir, "Cma.Abstractions.dll")), "the contract must not ship with a plugin");
    }
}
