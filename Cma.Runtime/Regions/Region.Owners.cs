using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>The region's owner table (device/type of each chunk) and the per-thread plugin-call marker.</summary>
internal sealed partial class Region
{
    /// <summary>The owner index for a device/type pair (interned; 0 for none).</summary>
    public int OwnerIndex(string device, string type)
    {
        if (device.Length == 0 && type.Length == 0)
            return 0;
        if (ReferenceEquals(device, _lastDevice) && ReferenceEquals(type, _lastType))
            return _lastOwner;
        if (!_ownerIndex.TryGetValue((device, type), out int index))
        {
            index = _owners.Count;
            _owners.Add(type.Length == 0 ? device : device + "/" + type);
            _ownerIndex.Add((device, type), index);
        }
        (_lastDevice, _lastType, _lastOwner) = (device, type, index);
        return index;
    }

    /// <summary>The owner text ("device/type") of an owner index.</summary>
    public string OwnerName(int index) => _owners[index];

    /// <summary>Marks the plugin whose call this thread is inside as having called back into the host, and throws.</summary>
    public static void ThrowIfInsidePluginCall() => EnterHost();

    /// <summary>The check of <see cref="ThrowIfInsidePluginCall"/>, returning this thread's plugin-call box for the
    /// operation that follows (so that it reads the thread-static slot only this once).</summary>
    public static StrongBox<Region?> EnterHost()
    {
        StrongBox<Region?>? inside = t_insidePlugin;
        if (inside is null)
            return InsideBox();
        if (inside.Value is { } region)
            ThrowReentered(region);
        return inside;
    }

    /// <summary>Marks <paramref name="region"/>, whose plugin called back into the host, and throws.</summary>
    [DoesNotReturn]
    private static void ThrowReentered(Region region)
    {
        region._reentered = true;
        throw new InvalidOperationException(
            $"The allocator of region '{region.Info.Name}' called back into the Cma host from inside a call; the region is fenced.");
    }

    /// <summary>This thread's plugin-call box (created on the thread's first use).</summary>
    private static StrongBox<Region?> InsideBox() => t_insidePlugin ??= new StrongBox<Region?>();
}
