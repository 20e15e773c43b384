namespace Cma.Runtime;

/// <summary>
/// What one plugin hot reload did (see <c>CmaService.HotReload.cs</c>). Only names and texts: nothing here refers to a
/// type of the plugin, so keeping it never keeps an old load context alive.
/// </summary>
/// <param name="FilePath">The plugin's main DLL whose new build was seen.</param>
/// <param name="Outcome"><c>ok</c>: the new build loaded and every region on the plugin runs it; <c>partial</c>: it loaded,
/// but some region (named in <paramref name="Refused"/>) or some provider (in <paramref name="Failures"/>) kept the old
/// build; <c>failed</c>: the new build was refused (<paramref name="Failures"/> says why) and the old one keeps serving.</param>
/// <param name="Swapped">The regions now running a new instance of the new build.</param>
/// <param name="Refused">The regions that keep their old instance, each as <c>region: reason</c>.</param>
/// <param name="Failures">Why the new build, or some of its providers, were refused.</param>
internal sealed record CmaHotReload(string FilePath, string Outcome, IReadOnlyList<string> Swapped, IReadOnlyList<string> Refused,
    IReadOnlyList<string> Failures);
