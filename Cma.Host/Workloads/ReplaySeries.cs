namespace Cma.Host.Workloads;

/// <summary>
/// A time series of fixed memory however long the replay: every operation is sampled, and folded into at most
/// <see cref="Capacity"/> buckets of equal width; when the buckets fill, neighbours merge in pairs and the width doubles,
/// so a run of more than <see cref="Capacity"/> operations keeps between 1,024 and 2,048 points.
/// </summary>
internal sealed class ReplaySeries
{
    /// <summary>Most buckets kept.</summary>
    public const int Capacity = 2048;

    /// <summary>Operations per bucket: a power of two.</summary>
    private long _width = 1;

    /// <summary>Buckets in use; the last may be partly filled.</summary>
    private int _count;

    /// <summary>Per bucket: operations folded in.</summary>
    private readonly long[] _ops = new long[Capacity];

    /// <summary>Per bucket: largest fragmentation.</summary>
    private readonly double[] _fragMax = new double[Capacity];

    /// <summary>Per bucket: sum of fragmentation.</summary>
    private readonly double[] _fragSum = new double[Capacity];

    /// <summary>Per bucket: largest live bytes.</summary>
    private readonly ulong[] _live = new ulong[Capacity];

    /// <summary>Per bucket: footprint at its end (non-decreasing).</summary>
    private readonly ulong[] _footprint = new ulong[Capacity];

    /// <summary>Samples one operation (called for operations 1, 2, 3 … in order).</summary>
    public void Add(double fragmentation, ulong live, ulong footprint)
    {
        if (_count == 0 || _ops[_count - 1] == _width)
        {
            if (_count == Capacity)
                Halve();
            if (_count == 0 || _ops[_count - 1] == _width)
            {
                _count++;
                _fragMax[_count - 1] = 0;
            }
        }
        int b = _count - 1;
        _ops[b]++;
        _fragSum[b] += fragmentation;
        if (fragmentation > _fragMax[b])
            _fragMax[b] = fragmentation;
        if (live > _live[b])
            _live[b] = live;
        _footprint[b] = footprint;
    }

    /// <summary>The points, in order.</summary>
    public List<SeriesPoint> Points()
    {
        var points = new List<SeriesPoint>(_count);
        for (int b = 0; b < _count; b++)
            points.Add(new SeriesPoint(b * _width + 1, _ops[b], _fragMax[b], _fragSum[b] / _ops[b], _live[b], _footprint[b]));
        return points;
    }

    /// <summary>Merges neighbouring buckets in pairs and doubles the width.</summary>
    private void Halve()
    {
        int n = 0;
        for (int b = 0; b < _count; b += 2)
        {
            int c = b + 1 < _count ? b + 1 : b;
            bool pair = c != b;
            _ops[n] = _ops[b] + (pair ? _ops[c] : 0);
            _fragSum[n] = _fragSum[b] + (pair ? _fragSum[c] : 0);
            _fragMax[n] = Math.Max(_fragMax[b], _fragMax[c]);
            _live[n] = Math.Max(_live[b], _live[c]);
            _footprint[n] = _footprint[c];
            n++;
        }
        for (int b = n; b < _count; b++)
        {
            _ops[b] = 0;
            _fragSum[b] = _fragMax[b] = 0;
            _live[b] = _footprint[b] = 0;
        }
        _count = n;
        _width *= 2;
    }
}
