namespace Cma.Host.Workloads.Generation;

/// <summary>
/// A camera session: a pool of preview frames (1080p NV12, 1 MiB aligned) for the session's life; captures of 8-megapixel
/// frames (3264×2448 NV12, ~11.4 MiB, 1 MiB aligned) in bursts, each frame encoded into a JPEG buffer (1.5–4 MiB,
/// 64K aligned) before it is freed; between captures one preview buffer is reallocated; at the end the pool is freed.
/// </summary>
internal sealed class CameraActor(double weight, int previewMin = 4, int previewMax = 6, int burstMax = 5) : EpisodeActor(weight)
{
    protected override void Plan(Random random)
    {
        var preview = new List<int>();
        int previews = random.Next(previewMin, previewMax + 1);
        for (int i = 0; i < previews; i++)
            preview.Add(Allocate(Nv12(1920, 1080), OneMiB, "camera/preview"));
        int captures = random.Next(2, 6);
        for (int c = 0; c < captures; c++)
        {
            var frames = new List<int>();
            int burst = random.Next(1, burstMax + 1);
            for (int i = 0; i < burst; i++)
                frames.Add(Allocate(Nv12(3264, 2448), OneMiB, "camera/capture"));
            var jpegs = new List<int>();
            foreach (int frame in frames)
            {
                ulong jpeg = (ulong)(1.5 * OneMiB + random.NextDouble() * 2.5 * OneMiB) / 4096 * 4096;
                jpegs.Add(Allocate(jpeg, 64 << 10, "jpeg"));
                Free(frame);
            }
            FreeShuffled(jpegs, random);
            int recycled = random.Next(preview.Count);
            Free(preview[recycled]);
            preview[recycled] = Allocate(Nv12(1920, 1080), OneMiB, "camera/preview");
        }
        FreeShuffled(preview, random);
    }
}
