using System.Text;
using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary>Runs alone: it measures the managed heap, which parallel tests would disturb.</summary>
[CollectionDefinition(nameof(StreamingReplayTests), DisableParallelization = true)]
public class StreamingReplayCollection;

[Collection(nameof(StreamingReplayTests))]
public class StreamingReplayTests
{
    [Fact]
    public void Replaying_millions_of_lines_keeps_the_managed_heap_flat()
    {
        const long Lines = 2_000_000;
        var heap = new List<long>();
        using var reader = new CmaTraceReader(new TraceLineReader(new GeneratedTraceStream(Lines)), "generated.trace", lenient: false);
        var options = new ReplayOptions { Progress = _ => heap.Add(GC.GetTotalMemory(forceFullCollection: true)) };

        ReplayResult r = AllocatorReplay.Run(reader, OpenRegion(64 << 20), options);

        Assert.Equal(Lines, r.Operations);
        Assert.Equal(0, r.Failed);
        Assert.True(heap.Count >= 20, $"only {heap.Count} heap samples");
        long settled = heap[2], last = heap[^1];
        Assert.True(last - settled < 2 << 20, $"heap grew from {settled:N0} to {last:N0} bytes over {Lines:N0} lines");
    }

    /// <summary>A trace produced on the fly and never held in memory, in rounds of 128 lines: the first 64 allocate ids
    /// 0–63 (4K to 64K each), the next 64 free them in the same order, so at most 64 allocations are live.</summary>
    private sealed class GeneratedTraceStream(long lines) : Stream
    {
        /// <summary>Lines produced so far.</summary>
        private long _line;

        /// <summary>Bytes of the current line not yet read.</summary>
        private readonly byte[] _pending = new byte[64];

        /// <summary>Unread bytes in <see cref="_pending"/> start here …</summary>
        private int _pendingStart;

        /// <summary>… and end here.</summary>
        private int _pendingEnd;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int written = 0;
            while (written < count)
            {
                if (_pendingStart == _pendingEnd)
                {
                    if (_line == lines)
                        break;
                    long round = _line / 128, step = _line % 128;
                    string text = step < 64 ? $"a {step} {(1 + (round + step) % 16) * 4}K\n" : $"f {step - 64}\n";
                    _pendingEnd = Encoding.ASCII.GetBytes(text, _pending);
                    _pendingStart = 0;
                    _line++;
                }
                int n = Math.Min(count - written, _pendingEnd - _pendingStart);
                Array.Copy(_pending, _pendingStart, buffer, offset + written, n);
                _pendingStart += n;
                written += n;
            }
            return written;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
