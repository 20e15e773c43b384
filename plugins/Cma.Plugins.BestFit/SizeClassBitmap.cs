using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Which of the <see cref="ClassCount"/> size classes hold a hole: one bit per class in 128 words, and two summary
/// words with one bit per non-empty word, so the next non-empty class at or above any class is at most three bit
/// scans away. E.g. classes 3 and 4100 non-empty: word 0 = bit 3, word 64 = bit 4, summary 0 = bit 0, summary 1 =
/// bit 0; the next at or above 4 is found in the summaries (word 64), then in word 64 (bit 4) → 4100.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so a call is no extra indirection; never copy it.</remarks>
internal struct SizeClassBitmap
{
    /// <summary>Number of size classes: 128 words of 64 bits; the largest class a size can have is 7423
    /// (<see cref="BestFitUnits.SizeClass"/>).</summary>
    public const int ClassCount = 8192;

    /// <summary>Bit <c>c % 64</c> of word <c>c / 64</c> is set exactly when class <c>c</c> holds a hole.</summary>
    private readonly ulong[] _words;

    /// <summary>Bit <c>w</c> is set exactly when <c>_words[w]</c> is not zero, for words 0 to 63.</summary>
    private ulong _summaryLow;

    /// <summary>Bit <c>w - 64</c> is set exactly when <c>_words[w]</c> is not zero, for words 64 to 127.</summary>
    private ulong _summaryHigh;

    /// <summary>Creates a bitmap of empty classes.</summary>
    public SizeClassBitmap() => _words = new ulong[ClassCount / 64];

    /// <summary>Whether every class is empty.</summary>
    public readonly bool IsEmpty => (_summaryLow | _summaryHigh) == 0;

    /// <summary>Marks class <paramref name="sizeClass"/> non-empty.</summary>
    public void Add(int sizeClass)
    {
        int word = sizeClass >> 6;
        _words[word] |= 1UL << sizeClass;
        if (word < 64)
            _summaryLow |= 1UL << word;
        else
            _summaryHigh |= 1UL << word;
    }

    /// <summary>Marks class <paramref name="sizeClass"/> empty.</summary>
    public void Remove(int sizeClass)
    {
        int word = sizeClass >> 6;
        if ((_words[word] &= ~(1UL << sizeClass)) != 0)
            return;
        if (word < 64)
            _summaryLow &= ~(1UL << word);
        else
            _summaryHigh &= ~(1UL << word);
    }

    /// <summary>Whether class <paramref name="sizeClass"/> is marked non-empty.</summary>
    public readonly bool Contains(int sizeClass) => (_words[sizeClass >> 6] & (1UL << sizeClass)) != 0;

    /// <summary>The first non-empty class at or above <paramref name="sizeClass"/>, or -1.</summary>
    public readonly int NextAtOrAbove(int sizeClass)
    {
        if ((uint)sizeClass >= ClassCount)
            return -1;
        int word = sizeClass >> 6;
        ulong bits = _words[word] & (ulong.MaxValue << sizeClass);
        if (bits != 0)
            return (word << 6) + BitOperations.TrailingZeroCount(bits);
        // The next non-empty word above `word`: first in the summary that covers it, then in the high summary.
        if (word < 63)
        {
            ulong low = _summaryLow & (ulong.MaxValue << (word + 1));
            if (low != 0)
                return First(BitOperations.TrailingZeroCount(low));
        }
        ulong high = word < 64 ? _summaryHigh : _summaryHigh & ~((2UL << word) - 1);
        if (word == 127 || high == 0)
            return -1;
        return First(64 + BitOperations.TrailingZeroCount(high));
    }

    /// <summary>The highest non-empty class; the bitmap must not be <see cref="IsEmpty"/>.</summary>
    public readonly int Highest()
    {
        int word = _summaryHigh != 0 ? 127 - BitOperations.LeadingZeroCount(_summaryHigh) : 63 - BitOperations.LeadingZeroCount(_summaryLow);
        return (word << 6) + 63 - BitOperations.LeadingZeroCount(_words[word]);
    }

    /// <summary>Checks that the summary words agree with the class words. O(128).</summary>
    /// <exception cref="InvalidOperationException">They do not.</exception>
    public readonly void Audit()
    {
        for (int word = 0; word < _words.Length; word++)
        {
            ulong summary = word < 64 ? _summaryLow : _summaryHigh;
            if ((_words[word] != 0) != ((summary & (1UL << word)) != 0))
                throw new InvalidOperationException($"best-fit class bitmap summary bit {word} is wrong.");
        }
    }

    /// <summary>The lowest class of non-empty word <paramref name="word"/>.</summary>
    private readonly int First(int word) => (word << 6) + BitOperations.TrailingZeroCount(_words[word]);
}
