using System.Runtime.InteropServices;

namespace Cma.Samples.Embedding;

/// <summary>The native code the sample hands its buffer to: two libc calls.</summary>
internal static partial class Libc
{
    /// <summary>Fills <paramref name="count"/> bytes at <paramref name="destination"/> with <paramref name="value"/>.</summary>
    [LibraryImport("libc", EntryPoint = "memset")]
    public static partial nint Memset(nint destination, int value, nuint count);

    /// <summary>The address of the first byte equal to <paramref name="value"/> in the <paramref name="count"/> bytes at
    /// <paramref name="source"/>, or 0.</summary>
    [LibraryImport("libc", EntryPoint = "memchr")]
    public static partial nint Memchr(nint source, int value, nuint count);
}
