namespace Cma.Runtime.Plugins;

/// <summary>A plugin file the catalog refused, and why. The other plugins load regardless.</summary>
/// <param name="FilePath">The DLL (or pinned file name) concerned.</param>
/// <param name="Reason">What went wrong and how to fix it.</param>
internal sealed record PluginLoadFailure(string FilePath, string Reason)
{
    public override string ToString() => $"{FilePath}: {Reason}";
}
