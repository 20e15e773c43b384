namespace Cma.Plugins.Bitmap;

/// <summary>Which zero run a request goes to, after lib/genalloc's algorithms.</summary>
internal enum BitmapFit
{
    /// <summary>The lowest address where the aligned request fits (genalloc's first fit; the default).</summary>
    First = 0,

    /// <summary>The lowest address at or after the end of the last allocation, wrapping around once to the
    /// region's start (bootmem's hint).</summary>
    Next = 1,

    /// <summary>The shortest zero run in which the aligned request fits; among equals, the lowest (genalloc's best fit).</summary>
    Best = 2,
}
