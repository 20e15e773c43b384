using Cma.Plugins.BestFit;

namespace Cma.Plugins.Tests.BestFit;

/// <summary>The best-fit index's bitmap of non-empty size classes on its own (reached through the plugin's
/// InternalsVisibleTo): seeded marks and unmarks against a plain array of flags.</summary>
public sealed class SizeClassBitmapTests
{
    [Fact]
    public void NextAtOrAbove_and_Highest_agree_with_a_plain_array_after_seeded_adds_and_removes()
    {
        var classes = new SizeClassBitmap();
        var marked = new bool[SizeClassBitmap.ClassCount];
        var random = new Random(5);
        for (int step = 0; step < 20_000; step++)
        {
            // Mostly low classes (where holes cluster), sometimes anywhere: words fill up and empty out.
            int sizeClass = step % 4 == 0 ? random.Next(SizeClassBitmap.ClassCount) : random.Next(200);
            if (marked[sizeClass])
                classes.Remove(sizeClass);
            else
                classes.Add(sizeClass);
            marked[sizeClass] = !marked[sizeClass];
            int from = random.Next(SizeClassBitmap.ClassCount + 1);

            int next = classes.NextAtOrAbove(from);

            Assert.Equal(from < marked.Length ? Array.IndexOf(marked, true, from) : -1, next);
            Assert.Equal(Array.LastIndexOf(marked, true) < 0, classes.IsEmpty);
            if (!classes.IsEmpty)
                Assert.Equal(Array.LastIndexOf(marked, true), classes.Highest());
        }
        classes.Audit();
    }
}
