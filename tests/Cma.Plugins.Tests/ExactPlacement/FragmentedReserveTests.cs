namespace Cma.Plugins.Tests.ExactPlacement;

/// <summary>Reserves strictly inside holes of a fragmented region (thousands of free blocks), checked against a model
/// of the granules: best-fit and TLSF find such a block through an index in start order that allocations and frees only
/// mark stale, which a run of reserves builds and then keeps up to date. Covers the run (random and ascending order, as
/// the host rebuilds a live set), reserves interleaved with allocations and frees (the stale, scanned and rebuilt
/// states), and refusals, which must change nothing.</summary>
public sealed class FragmentedReserveTests
{
    /// <summary>The granule: 4 KiB.</summary>
    private const ulong G = 4096;

    /// <summary>Granules in the region.</summary>
    private const int Granules = 1 << 14;

    /// <summary>The region's start: 1 GiB plus 5 granules.</summary>
    private const ulong Start = (1UL << 30) + 5 * G;

    public static TheoryData<string, int> Cases => new() { { "best-fit", 1 }, { "best-fit", 2 }, { "tlsf", 1 }, { "tlsf", 2 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reserves_strictly_inside_thousands_of_holes_agree_with_a_model(string name, int seed)
    {
        var random = new Random(seed);
        var model = new Model(FirstPartyPlugins.Create(name, new CmaRegion("r", Start, Granules * G, G)));
        model.Fragment(random);
        Assert.True(model.Holes().Count > 1000, "the region is fragmented into thousands of holes");

        // A run of reserves, no allocation or free in between: mostly strictly inside a hole, some anywhere.
        for (int i = 0; i < 1500; i++)
            model.Reserve(i % 5 == 4 ? model.AnyRange(random) : model.InsideAHole(random));
        model.CheckStats();

        // Reserves interleaved with allocations and frees: each reserve may find the order stale, scanned or current.
        for (int i = 0; i < 1500; i++)
        {
            switch (random.Next(6))
            {
                case 0: model.Allocate((ulong)random.Next(1, 4)); break;
                case 1: model.FreeOne(random); break;
                default: model.Reserve(model.InsideAHole(random)); break;
            }
        }
        model.CheckStats();

        // The host's order: free half the live chunks, then reserve strictly inside holes in ascending address order.
        for (int i = model.LiveCount / 2; i > 0; i--)
            model.FreeOne(random);
        foreach ((int start, int length) in model.Holes())
        {
            if (length >= 3)
                model.Reserve((start + 1, length - 2));
        }
        model.CheckStats();
        Assert.True(model.Holes().Count > 1000);

        model.FreeAll();
        Assert.Equal(new CmaAllocatorStats(Granules * G, Granules * G, 1), model.Allocator.Stats);
    }

    /// <summary>An allocator and the granules it should have free, with the live chunks (granule index, length).</summary>
    private sealed class Model(ICmaAllocator allocator)
    {
        private readonly bool[] _free = Enumerable.Repeat(true, Granules).ToArray();
        private readonly List<(int Start, int Length)> _live = [];

        public ICmaAllocator Allocator => allocator;

        public int LiveCount => _live.Count;

        /// <summary>Fills the region with 1–4-granule chunks, then frees about half of them.</summary>
        public void Fragment(Random random)
        {
            while (Allocate((ulong)random.Next(1, 5)))
            {
            }
            for (int i = _live.Count - 1; i >= 0; i--)
            {
                if (random.Next(2) == 0)
                    Free(i);
            }
        }

        public bool Allocate(ulong granules)
        {
            if (!allocator.TryAllocate(granules * G, G, out ulong address))
                return false;
            int start = (int)((address - Start) / G);
            Assert.All(Enumerable.Range(start, (int)granules), g => Assert.True(_free[g], "allocated over a free granule"));
            Take(start, (int)granules);
            return true;
        }

        /// <summary>Reserves a range; the allocator must accept it exactly when the model has all of it free.</summary>
        public void Reserve((int Start, int Length) range)
        {
            bool free = Enumerable.Range(range.Start, range.Length).All(g => _free[g]);
            CmaAllocatorStats before = allocator.Stats;
            bool reserved = ((ICmaExactPlacement)allocator).TryReserve(Start + ((ulong)range.Start * G), (ulong)range.Length * G);
            Assert.Equal(free, reserved);
            if (reserved)
                Take(range.Start, range.Length);
            else
                Assert.Equal(before, allocator.Stats);
        }

        /// <summary>A random range strictly inside a random hole of at least 3 granules (or anywhere, if none).</summary>
        public (int Start, int Length) InsideAHole(Random random)
        {
            List<(int Start, int Length)> holes = Holes().Where(h => h.Length >= 3).ToList();
            if (holes.Count == 0)
                return AnyRange(random);
            (int start, int length) = holes[random.Next(holes.Count)];
            int offset = random.Next(1, length - 1);
            return (start + offset, random.Next(1, length - offset));
        }

        public (int Start, int Length) AnyRange(Random random)
        {
            int start = random.Next(Granules);
            return (start, random.Next(1, Math.Min(8, Granules - start) + 1));
        }

        public void FreeOne(Random random)
        {
            if (_live.Count > 0)
                Free(random.Next(_live.Count));
        }

        public void FreeAll()
        {
            while (_live.Count > 0)
                Free(_live.Count - 1);
        }

        /// <summary>The free runs of granules, in address order.</summary>
        public List<(int Start, int Length)> Holes()
        {
            var holes = new List<(int, int)>();
            for (int g = 0; g < Granules;)
            {
                int end = g;
                while (end < Granules && _free[end])
                    end++;
                if (end > g)
                    holes.Add((g, end - g));
                g = end + 1;
            }
            return holes;
        }

        /// <summary>The allocator's stats are the model's: free bytes, largest hole, hole count.</summary>
        public void CheckStats()
        {
            List<(int Start, int Length)> holes = Holes();
            ulong free = (ulong)holes.Sum(h => h.Length) * G;
            ulong largest = holes.Count == 0 ? 0 : (ulong)holes.Max(h => h.Length) * G;
            Assert.Equal(new CmaAllocatorStats(free, largest, (ulong)holes.Count), allocator.Stats);
        }

        private void Take(int start, int length)
        {
            Array.Fill(_free, false, start, length);
            _live.Add((start, length));
        }

        private void Free(int index)
        {
            (int start, int length) = _live[index];
            _live[index] = _live[^1];
            _live.RemoveAt(_live.Count - 1);
            allocator.Free(Start + ((ulong)start * G), (ulong)length * G);
            Array.Fill(_free, true, start, length);
        }
    }
}
