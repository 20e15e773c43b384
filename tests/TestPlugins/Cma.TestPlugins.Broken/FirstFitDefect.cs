namespace Cma.TestPlugins.Broken;

/// <summary>The one mistake a broken first-fit allocator makes; each is a plausible slip, not a blatant throw.</summary>
public enum FirstFitDefect
{
    /// <summary>No mistake: the reference allocator.</summary>
    None = 0,

    /// <summary>Free merges the freed range into the next hole by moving the hole's start back by the freed size,
    /// without checking that the two are adjacent: when they are not, the hole takes in the end of a live chunk
    /// (and loses the freed range), so ranges overlap only after some frees. The free-byte count stays right.</summary>
    Overlap = 1,

    /// <summary>Aligns the offset in the region instead of the absolute address: right only when the region's start
    /// is aligned to the request's alignment.</summary>
    Misaligned = 2,

    /// <summary>Forgets that aligning a hole's start can move it past the hole's end; the unsigned
    /// <c>hole.End - start</c> then wraps to a huge "fit", and the request is placed beyond the hole, past the
    /// region's end when it is the last hole.</summary>
    OutOfBounds = 3,

    /// <summary>Counts an allocation's alignment padding as used in FreeBytes, although the padding stays a hole.</summary>
    FreeBytes = 4,

    /// <summary>Free never merges a freed range with its neighbours: the region fragments for good.</summary>
    NoCoalesce = 5,

    /// <summary>Throws <see cref="InvalidOperationException"/> when no hole fits, instead of returning false.</summary>
    ThrowsOnFull = 6,
}
