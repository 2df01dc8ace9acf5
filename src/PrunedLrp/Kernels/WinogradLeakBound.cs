using System.Runtime.Intrinsics;

namespace PrunedLrp.Kernels;

/// <summary>
/// A bound on how far the rounding of <see cref="TransposedWinograd"/> can move the products <c>x (.) dx</c> that the
/// relevance pass forms from its output, to find the positions that must be recomputed directly.
/// </summary>
/// <remarks>
/// An output of F(2x2, 3x3) carries rounding of at most a few ulps of every entry of its window, scaled by the
/// transformed kernel, whatever that entry's own weight (zero for half the links of W+): for output (c, i),
/// <c>|error| &lt;= Leak * kappa_c * A_i</c> with <c>A_i = sum over the 3x3 window of sum_o |dy[o, j]|</c> and
/// <c>kappa_c = 2.25 max |W'[c, ...]|</c> (no transformed kernel entry is larger). Positions where
/// <c>Leak * A_i * max_c kappa_c |x[c, i]| &gt; Share * max |x (.) dx|</c> are recomputed, so what Winograd leaves in the
/// relevance stays below <see cref="Share"/> of the sample's largest relevance at this layer.
/// </remarks>
internal static unsafe class WinogradLeakBound
{
    /// <summary>8 ulps of float32.</summary>
    public const float Leak = 8f / (1 << 24);

    /// <summary>The share of the sample's largest |x dx| that a position's bound may reach.</summary>
    public const float Share = 1e-5f;

    /// <summary>
    /// One pass over dy for both guards: <c>peak[p] = max_o |dy[o, p]|</c> (NaN counted as +Inf, so that its tiles are
    /// recomputed) for the range guard, and, when <paramref name="sum"/> is not null, <c>sum[p] = sum_o |dy[o, p]|</c>
    /// for this bound.
    /// </summary>
    public static void ChannelPeaksAndSums(float* dy, int channels, int plane, float* peak, float* sum)
    {
        new Span<float>(peak, plane).Clear();
        if (sum != null) new Span<float>(sum, plane).Clear();
        var inf = Vector256.Create(float.PositiveInfinity);
        for (int o = 0; o < channels; o++)
        {
            float* src = dy + (long)o * plane;
            int p = 0;
            for (; p <= plane - 8; p += 8)
            {
                var v = Vector256.Load(src + p);
                var a = Vector256.Abs(v);
                Vector256.Max(Vector256.Load(peak + p), Vector256.ConditionalSelect(Vector256.Equals(v, v), a, inf)).Store(peak + p);
                if (sum != null) (Vector256.Load(sum + p) + a).Store(sum + p);
            }
            for (; p < plane; p++)
            {
                float v = src[p], a = Math.Abs(v);
                peak[p] = Math.Max(peak[p], float.IsNaN(v) ? float.PositiveInfinity : a);
                if (sum != null) sum[p] += a;
            }
        }
    }

    /// <summary><c>peak[i] = max_c kappa[c] |x[c, i]|</c>; returns <c>max |x[c, i] dx[c, i]|</c>.</summary>
    public static float FactorPeaks(float* x, float* dx, float* kappa, int channels, int plane, float* peak)
    {
        new Span<float>(peak, plane).Clear();
        var largest = Vector256<float>.Zero;
        float tail = 0f;
        for (int c = 0; c < channels; c++)
        {
            float* xc = x + (long)c * plane, dxc = dx + (long)c * plane;
            var k = Vector256.Create(kappa[c]);
            int i = 0;
            for (; i <= plane - 8; i += 8)
            {
                var xv = Vector256.Abs(Vector256.Load(xc + i));
                Vector256.Max(Vector256.Load(peak + i), k * xv).Store(peak + i);
                largest = Vector256.Max(largest, xv * Vector256.Abs(Vector256.Load(dxc + i)));
            }
            for (; i < plane; i++)
            {
                float xv = Math.Abs(xc[i]);
                peak[i] = Math.Max(peak[i], kappa[c] * xv);
                tail = Math.Max(tail, xv * Math.Abs(dxc[i]));
            }
        }
        float result = tail;
        for (int lane = 0; lane < 8; lane++)
            result = Math.Max(result, largest[lane]);
        return result;
    }

    /// <summary>
    /// Writes the positions i (of a height x width output whose 3x3 windows start at (i - padTop, j - padLeft) in the
    /// sums' inputHeight x inputWidth plane) where the bound exceeds its share; returns their count.
    /// </summary>
    public static int Flag(float* sum, float* peak, float largest, int height, int width, int inputHeight, int inputWidth,
        int padTop, int padLeft, int* positions)
    {
        int count = 0;
        float limit = Share * largest / Leak;
        for (int i = 0; i < height; i++)
        for (int j = 0; j < width; j++)
        {
            float m = peak[i * width + j];
            if (m == 0f) continue;
            float window = 0f;
            for (int u = 0; u < 3; u++)
            {
                int r = i - padTop + u;
                if ((uint)r >= (uint)inputHeight) continue;
                for (int v = 0; v < 3; v++)
                {
                    int q = j - padLeft + v;
                    if ((uint)q < (uint)inputWidth) window += sum[r * inputWidth + q];
                }
            }
            if (window * m > limit)
                positions[count++] = i * width + j;
        }
        return count;
    }
}
