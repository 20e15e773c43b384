namespace Cma.Host.Workloads.Generation;

/// <summary>
/// A video decode session: a pool of NV12 frames (1 MiB aligned) for the session's life, and a stream of bitstream
/// buffers (256K–2M, 4K aligned) of which two are in flight at a time; at the end the frames are freed in random order.
/// </summary>
internal sealed class VideoActor(double weight, string device, ulong width, ulong height, int poolMin, int poolMax) : EpisodeActor(weight)
{
    protected override void Plan(Random random)
    {
        var frames = new List<int>();
        int pool = random.Next(poolMin, poolMax + 1);
        for (int i = 0; i < pool; i++)
            frames.Add(Allocate(Nv12(width, height), OneMiB, device));
        var inFlight = new Queue<int>();
        int packets = random.Next(10, 41);
        for (int p = 0; p < packets; p++)
        {
            ulong size = (ulong)Math.Exp(Math.Log(256 << 10) + random.NextDouble() * Math.Log(8)) / 4096 * 4096;
            inFlight.Enqueue(Allocate(size, 4096, device));
            if (inFlight.Count > 2)
                Free(inFlight.Dequeue());
        }
        while (inFlight.Count > 0)
            Free(inFlight.Dequeue());
        FreeShuffled(frames, random);
    }
}
