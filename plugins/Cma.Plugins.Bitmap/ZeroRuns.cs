using System.Runtime.InteropServices;

namespace Cma.Plugins.Bitmap;

/// <summary>
/// The zero runs of one stretch of the bitmap (a block of words, or a node of the summary tree over blocks, whose
/// children ZeroRunTree.Gather combines): how many zero bits it starts with, ends with, and the longest run of zero
/// bits inside it.
/// A stretch of length L is wholly free exactly when <see cref="Prefix"/> == L (then all three equal L).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct ZeroRuns(uint Prefix, uint Suffix, uint Longest)
{
    /// <summary>The runs of a wholly free stretch of <paramref name="length"/> bits.</summary>
    public static ZeroRuns Free(uint length) => new(length, length, length);
}
