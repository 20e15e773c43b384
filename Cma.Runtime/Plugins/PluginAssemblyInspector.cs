using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Cma.Runtime.Plugins;

/// <summary>
/// Reads a plugin DLL's metadata without loading it: is it a .NET assembly, and which version of the
/// contract does it reference? A plugin built against another contract major version is refused before
/// any of its code runs.
/// </summary>
internal static class PluginAssemblyInspector
{
    /// <summary>The contract assembly's simple name.</summary>
    private static readonly string s_contractName = typeof(ICmaAllocatorProvider).Assembly.GetName().Name!;

    /// <summary>Returns null when the file may be loaded, or the reason it may not.</summary>
    public static string? Inspect(string path)
    {
        Version hostContract = typeof(ICmaAllocatorProvider).Assembly.GetName().Version!;
        try
        {
            using FileStream stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
                return "not a .NET assembly (no metadata); plugin folders hold <Name>/<Name>.dll built as a .NET class library.";
            MetadataReader md = pe.GetMetadataReader();
            if (!md.IsAssembly)
                return "not a .NET assembly (a module without an assembly manifest).";
            foreach (AssemblyReferenceHandle handle in md.AssemblyReferences)
            {
                AssemblyReference reference = md.GetAssemblyReference(handle);
                if (md.GetString(reference.Name) != s_contractName)
                    continue;
                Version v = reference.Version;
                if (v.Major != hostContract.Major)
                {
                    return $"built against {s_contractName} {v.Major}.{v.Minor}, but this host implements contract version {hostContract.Major}.x; "
                        + $"rebuild the plugin against {s_contractName} {hostContract.Major}.{hostContract.Minor}.";
                }
                return null;
            }
            return $"does not reference {s_contractName}, so it holds no allocator provider; build it against the Cma.Abstractions package.";
        }
        catch (BadImageFormatException)
        {
            return "not a .NET assembly (bad image format); plugin folders hold <Name>/<Name>.dll built as a .NET class library.";
        }
        catch (IOException e)
        {
            return $"cannot be read: {e.Message}";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"cannot be read: {e.Message}";
        }
    }

    /// <summary>The assembly's informational version if it has one, else its assembly version.</summary>
    public static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString()
        ?? "?";
}
