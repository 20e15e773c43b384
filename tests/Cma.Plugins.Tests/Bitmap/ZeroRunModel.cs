using Cma.Plugins.Bitmap;

namespace Cma.Plugins.Tests.Bitmap;

/// <summary>The plain model the summary-tree tests compare against: an array of bits, one per granule, changed in step
/// with the tree.</summary>
internal static class ZeroRunModel
{
    /// <summary>One random step of a test: sets [start, start + count) in the tree and the model when it is all clear in
    /// the model, clears it in both when it is all set, and otherwise (a mixed range) changes nothing.</summary>
    public static void SetOrClear(ZeroRunTree tree, bool[] used, int start, int count)
    {
        if (AllEqual(used, start, count, false))
        {
            tree.Set(start, count);
            Array.Fill(used, true, start, count);
        }
        else if (AllEqual(used, start, count, true))
        {
            tree.Clear(start, count);
            Array.Fill(used, false, start, count);
        }
    }

    /// <summary>Whether every bit of [start, start + count) in the model is <paramref name="value"/>.</summary>
    public static bool AllEqual(bool[] bits, int start, int count, bool value) =>
        Array.TrueForAll(bits[start..(start + count)], b => b == value);
}
