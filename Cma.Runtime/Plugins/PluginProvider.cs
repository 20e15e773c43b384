namespace Cma.Runtime.Plugins;

/// <summary>A provider the catalog loaded: the instance, and where it came from.</summary>
/// <param name="Name">The provider's <see cref="ICmaAllocatorProvider.Name"/>, read once at load.</param>
/// <param name="Description">The provider's one-line description, read once at load.</param>
/// <param name="Instance">The provider, created in the plugin's own load context.</param>
/// <param name="FilePath">The plugin's main DLL.</param>
/// <param name="Version">The plugin assembly's informational (or assembly) version.</param>
/// <param name="Sha256">The DLL's SHA-256, lowercase hex, for pinning with <c>Plugins:Sha256</c>.</param>
internal sealed record PluginProvider(string Name, string Description, ICmaAllocatorProvider Instance, string FilePath, string Version, string Sha256);
