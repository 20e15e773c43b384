using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Host.Regions;

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
    public static void ThrowIfInsidePluginCall()
    {
        if (t_insidePlugin is { } region)
        {
            region._reentered = true;
            throw new InvalidOperationException(
                $"The allocator of region '{region.Info.Name}' called back into the Cma host from inside a call; the region is fenced.");
        }
    }
}
