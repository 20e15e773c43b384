namespace Cma.Runtime.Regions;

/// <summary>The region's owner table and its plugin-call marker.</summary>
internal sealed partial class Region
{
    /// <summary>The owners (device/type) of the live chunks.</summary>
    private readonly OwnerTable _owners = new();

    /// <summary>The owner index for a device/type pair (interned; 0 for none). Caller holds <see cref="Sync"/>.</summary>
    public int OwnerIndex(string device, string type) => _owners.IndexOf(device, type);

    /// <summary>The owner text ("device/type") of an owner index.</summary>
    public string OwnerName(int index) => _owners.NameOf(index);

    /// <summary>Records that this region's plugin called back into the host during the current call (see
    /// <see cref="PluginCallScope.ThrowIfInside"/>); the call in progress fences the region when it returns.</summary>
    public void MarkReentered() => _reentered = true;
}
