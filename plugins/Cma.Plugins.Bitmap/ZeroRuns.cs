using System.Runtime.InteropServices;

namespace Cma.Plugins.Bitmap;

/// <summary>
/// The zero runs of one stretch of the bitmap (a block of words, or a node of the summary tree over blocks):
/// how many zero bits it starts with, ends with, and the longest run of zero bits inside it.
/// A stretch of length L is wholly free exactly when <see cref="Prefix"/> == L (then all three equal L).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct ZeroRuns(uint Prefix, uint Suffix, uint Longest)
{
    /// <summary>The runs of a wholly free stretch of <paramref name="length"/> bits.</summary>
    public static ZeroRuns Free(uint length) => new(length, length, length);

    /// <summary>The runs of two adjacent stretches of <paramref name="childLength"/> bits each, left then right.
    /// E.g. left (3, 5, 7) and right (4, 0, 6), 64 bits each: prefix 3, suffix 0, longest max(7, 6, 5 + 4) = 9.</summary>
    public static ZeroRuns Combine(ZeroRuns left, ZeroRuns right, uint childLength) => new(
        left.Prefix == childLength ? childLength + right.Prefix : left.Prefix,
        right.Suffix == childLength ? childLength + left.Suffix : right.Suffix,
        Math.Max(Math.Max(left.Longest, right.Longest), left.Suffix + right.Prefix));
}
