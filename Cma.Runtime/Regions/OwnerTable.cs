namespace Cma.Runtime.Regions;

/// <summary>
/// A region's owners (device/type pairs), interned: a live chunk records a small index instead of two strings, and
/// the text is built once per pair, when a guard overrun or a dump first needs it. Index 0 is "no owner" (allocations
/// from named regions). Concurrency: used under the region's lock.
/// </summary>
internal sealed class OwnerTable
{
    /// <summary>Owner text by index ("device/type", or "device" for an empty type); index 0 is "", never removed.</summary>
    private readonly List<string> _names = [""];

    /// <summary>Owner pair → index in <see cref="_names"/>.</summary>
    private readonly Dictionary<(string Device, string Type), int> _indexes = [];

    /// <summary>The device string of the last <see cref="IndexOf"/> lookup, compared by reference: a caller that passes
    /// the same device and type strings again skips the dictionary.</summary>
    private string? _lastDevice;

    /// <summary>The type string of the last <see cref="IndexOf"/> lookup (see <see cref="_lastDevice"/>).</summary>
    private string? _lastType;

    /// <summary>The owner index of <see cref="_lastDevice"/>/<see cref="_lastType"/>.</summary>
    private int _lastIndex;

    /// <summary>The index of a device/type pair, added on first use; 0 for an empty pair.</summary>
    public int IndexOf(string device, string type)
    {
        if (device.Length == 0 && type.Length == 0)
            return 0;
        if (ReferenceEquals(device, _lastDevice) && ReferenceEquals(type, _lastType))
            return _lastIndex;
        if (!_indexes.TryGetValue((device, type), out int index))
        {
            index = _names.Count;
            _names.Add(type.Length == 0 ? device : device + "/" + type);
            _indexes.Add((device, type), index);
        }
        (_lastDevice, _lastType, _lastIndex) = (device, type, index);
        return index;
    }

    /// <summary>The owner text ("device/type") of an index.</summary>
    public string NameOf(int index) => _names[index];
}
