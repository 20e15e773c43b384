namespace Cma.Host.Tests.Mapping;

/// <summary>The worked cases of <c>reference/map-cases.md</c>: map, device, type (null: none), and the region
/// list the host tries ("" for "no rule").</summary>
public static class MapCases
{
    /// <summary>Map 1 of map-cases.md.</summary>
    public const string Map1 = "video/a=a;/b=b;/f=vf;*=common";

    /// <summary>Map 2 of map-cases.md.</summary>
    public const string Map2 = "camera,jpeg=c,common;mfc?=v;s5p-*=s;*/x=xr";

    /// <summary>Map 3 of map-cases.md (the RFC's two banks).</summary>
    public const string Map3 = "foo/a=a,b;foo/b=b,a";

    /// <summary>Every case, as xunit rows.</summary>
    public static TheoryData<string, string, string?, string> All => new()
    {
        { Map1, "video", "a", "a" },
        { Map1, "video", "b", "b" },
        { Map1, "video", "f", "vf" },
        { Map1, "video", "x", "common" },
        { Map1, "video", null, "common" },
        { Map1, "camera", "b", "common" },
        { Map2, "camera", null, "c,common" },
        { Map2, "jpeg", "thumb", "c,common" },
        { Map2, "mfc0", null, "v" },
        { Map2, "mfc10", null, "" },
        { Map2, "s5p-fimc", "t", "s" },
        { Map2, "s5p-", "t", "s" },
        { Map2, "other", "x", "xr" },
        { Map2, "other", "y", "" },
        { Map3, "foo", "a", "a,b" },
        { Map3, "foo", "b", "b,a" },
        { Map3, "foo", null, "" },
    };
}
