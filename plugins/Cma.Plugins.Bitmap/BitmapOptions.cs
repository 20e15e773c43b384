using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Bitmap;

/// <summary>A bitmap region's settings: <c>OrderPerBit</c> (0..20, default 0) and <c>Fit</c> (first|next|best,
/// default first).</summary>
internal sealed class BitmapOptions
{
    /// <summary>The setting that sets <see cref="OrderPerBit"/>.</summary>
    public const string OrderPerBitKey = "OrderPerBit";

    /// <summary>The setting that sets <see cref="Fit"/>.</summary>
    public const string FitKey = "Fit";

    /// <summary>The largest <see cref="OrderPerBit"/>.</summary>
    public const int MaxOrderPerBit = 20;

    /// <summary>Creates options.</summary>
    public BitmapOptions(int orderPerBit, BitmapFit fit)
    {
        OrderPerBit = orderPerBit;
        Fit = fit;
    }

    /// <summary>One bit of the bitmap covers 2^OrderPerBit granules (mainline CMA's <c>order_per_bit</c>).</summary>
    public int OrderPerBit { get; }

    /// <summary>Which zero run a request goes to.</summary>
    public BitmapFit Fit { get; }

    /// <summary>Reads the options, recording every problem in <paramref name="reader"/> (the caller throws).</summary>
    public static BitmapOptions Read(CmaSettingsReader reader) => new(
        reader.GetInt32(OrderPerBitKey, defaultValue: 0, min: 0, max: MaxOrderPerBit),
        reader.GetEnum(FitKey, BitmapFit.First));

    /// <summary>A reader of <paramref name="settings"/> that knows this plugin's keys.</summary>
    public static CmaSettingsReader Reader(IConfiguration settings) => new(settings, OrderPerBitKey, FitKey);
}
