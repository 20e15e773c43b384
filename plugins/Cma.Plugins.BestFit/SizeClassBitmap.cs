using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Which of the <see cref="ClassCount"/> size classes hold a hole: one bit per class in 64 words, and a summary word
/// with one bit per non-empty word, so the next non-empty class at or above any class is two bit scans away.
/// E.g. classes 3 and 700 non-empty: word 0 = bit 3, word 10 = bit 60, summary = bits 0 and 10; the next at or above
/// 4 is found in the summary (word 10), then in word 10 (bit 60) → 700.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so a call is no extra indirection; never copy it.</remarks>
internal struct SizeClassBitmap
{
    /// <summary>Number of size classes: 64 words of 64 bits; the largest class a size can have is 3775
    /// (<see cref="BestFitUnits.SizeClass"/>).</summary>
    public const int ClassCount = 4096;

    /// <summary>Bit <c>c % 64</c> of word <c>c / 64</c> is set exactly when class <c>c</c> holds a hole.</summary>
    private readonly ulong[] _words;

    /// <summary>Bit <c>w</c> is set exactly when <c>_words[w]</c> is not zero.</summary>
    private ulong _summary;

    /// <summary>Creates a bitmap of empty classes.</summary>
    public SizeClassBitmap() => _words = new ulong[ClassCount / 64];

    /// <summary>Whether every class is empty.</summary>
    public readonly bool IsEmpty => _summary == 0;

    /// <summary>Marks class <paramref name="sizeClass"/> non-empty.</summary>
    public void Add(int sizeClass)
    {
        _words[sizeClass >> 6] |= 1UL << sizeClass;
        _summary |= 1UL << (sizeClass >> 6);
    }

    /// <summary>Marks class <paramref name="sizeClass"/> empty.</summary>
    public void Remove(int sizeClass)
    {
        ulong word = _words[sizeClass >> 6] &= ~(1UL << sizeClass);
        if (word == 0)
            _summary &= ~(1UL << (sizeClass >> 6));
    }

    /// <summary>Whether class <paramref name="sizeClass"/> is marked non-empty.</summary>
    public readonly bool Contains(int sizeClass) => (_words[sizeClass >> 6] & (1UL << sizeClass)) != 0;

    /// <summary>The first non-empty class at or above <paramref name="sizeClass"/>, or -1.</summary>
    public readonly int NextAtOrAbove(int sizeClass)
    {
        if (sizeClass >= ClassCount)
            return -1;
        int word = sizeClass >> 6;
        ulong bits = _words[word] & (ulong.MaxValue << sizeClass);
        if (bits != 0)
            return (word << 6) + BitOperations.TrailingZeroCount(bits);
        ulong words = _summary & ~((2UL << word) - 1);
        if (words == 0)
            return -1;
        word = BitOperations.TrailingZeroCount(words);
        return (word << 6) + BitOperations.TrailingZeroCount(_words[word]);
    }

    /// <summary>The highest non-empty class; the bitmap must not be <see cref="IsEmpty"/>.</summary>
    public readonly int Highest()
    {
        int word = 63 - BitOperations.LeadingZeroCount(_summary);
        return (word << 6) + 63 - BitOperations.LeadingZeroCount(_words[word]);
    }

    /// <summary>Checks that the summary word agrees with the class words. O(64).</summary>
    /// <exception cref="InvalidOperationException">It does not.</exception>
    public readonly void Audit()
    {
        for (int word = 0; word < _words.Length; word++)
        {
            if ((_words[word] != 0) != ((_summary & (1UL << word)) != 0))
                throw new InvalidOperationException($"best-fit class bitmap summary bit {word} is wrong.");
        }
    }
}
