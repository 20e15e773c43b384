namespace Cma.Host.Workloads.Generation;

/// <summary>
/// A device that now and then takes one large buffer and gives it back a little later (the 8-megapixel camera shot of
/// the reviewers' scenario, or a firmware buffer): each episode is one allocation and its free. With a low weight, other
/// actors write many operations between the two.
/// </summary>
internal sealed class ShortLivedActor(double weight, ulong size, ulong alignment, string device) : EpisodeActor(weight)
{
    protected override void Plan(Random random) => Free(Allocate(size, alignment, device));
}
