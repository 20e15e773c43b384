namespace Cma.Host.Tests.Concurrency;

/// <summary>
/// The stress checker's shared record of which address ranges some thread owns: a claim that overlaps another is
/// rejected on the spot, so that two owners of one byte are caught when the second range is handed out, not at the
/// end. Sorted parallel arrays under one lock; O(log n) search and O(n) insert for the few hundred live claims.
/// </summary>
internal sealed class IntervalClaims
{
    /// <summary>Guards the arrays.</summary>
    private readonly Lock _sync = new();

    /// <summary>Claim starts, ascending, valid up to <see cref="_count"/>.</summary>
    private ulong[] _starts = new ulong[256];

    /// <summary>Claim ends (exclusive), parallel to <see cref="_starts"/>; claims never overlap.</summary>
    private ulong[] _ends = new ulong[256];

    /// <summary>Live claims.</summary>
    private int _count;

    /// <summary>Claims checked so far.</summary>
    public long Claimed { get; private set; }

    /// <summary>Live claims now.</summary>
    public int Count
    {
        get
        {
            lock (_sync)
                return _count;
        }
    }

    /// <summary>Records <c>[start, start + size)</c>, or returns the live claim it overlaps (and records nothing).</summary>
    public (ulong Start, ulong End)? TryClaim(ulong start, ulong size)
    {
        ulong end = start + size;
        lock (_sync)
        {
            int i = Array.BinarySearch(_starts, 0, _count, start);
            if (i >= 0)
                return (_starts[i], _ends[i]);
            i = ~i;
            if (i > 0 && _ends[i - 1] > start)
                return (_starts[i - 1], _ends[i - 1]);
            if (i < _count && _starts[i] < end)
                return (_starts[i], _ends[i]);
            if (_count == _starts.Length)
            {
                Array.Resize(ref _starts, _count * 2);
                Array.Resize(ref _ends, _count * 2);
            }
            Array.Copy(_starts, i, _starts, i + 1, _count - i);
            Array.Copy(_ends, i, _ends, i + 1, _count - i);
            _starts[i] = start;
            _ends[i] = end;
            _count++;
            Claimed++;
            return null;
        }
    }

    /// <summary>Drops the claim that starts at <paramref name="start"/> (before its chunk is freed); false if there is none.</summary>
    public bool Drop(ulong start)
    {
        lock (_sync)
        {
            int i = Array.BinarySearch(_starts, 0, _count, start);
            if (i < 0)
                return false;
            Array.Copy(_starts, i + 1, _starts, i, _count - i - 1);
            Array.Copy(_ends, i + 1, _ends, i, _count - i - 1);
            _count--;
            return true;
        }
    }
}
