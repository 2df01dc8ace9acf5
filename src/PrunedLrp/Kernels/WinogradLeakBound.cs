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
/// <para>F(4x4, 3x3) mixes more of its 6x6 patch into each output, with larger coefficients (its transforms scale by up
/// to 8 and 1/24): the rounding of patch entry j (in one dimension) reaches output a at most through
/// <c>gain[a, j] = sum_ξ |A^T[a, ξ]| r_ξ |B^T[ξ, j]|</c> (<see cref="LargeTileGain"/>; r_ξ, the sum of row ξ of |G|,
/// bounds row ξ of the transformed kernel in units of max |g|), up to 17.3 against F(2x2)'s 4. Summed over all entries
/// and channels as above, that worst case flagged 80-98% of the outputs of VGG-16's W+ products, whose largest actual
/// error was 4e-7 to 1.4e-6 of the largest |x dx|, below <see cref="Share"/>. The many independent roundings of a
/// dense patch add like a random walk, so this bound adds them in quadrature:
/// <c>|error| &lt;= LargeTileLeak * max_c kappa_c |x[c, i]| * sqrt(sum_{j, k} gain[a, j]^2 gain[b, k]^2 Q[j, k])</c> for output
/// (a, b) of a tile, with <c>kappa_c = max |W'[c, ...]|</c> and Q the patch's sums of squares <c>sum_o dy[o, .]^2</c>.
/// What it guards against, one entry far above the rest, gives the same value in quadrature as in the plain sum. On
/// those VGG-16 products the largest error was 2.2 times this bound taken with 2^-24 in place of
/// <see cref="LargeTileLeak"/> (4 times that): a margin of 1.8, flagging 0-2% of their outputs (with
/// <see cref="Leak"/>'s 8 times, 2-11%, which cost what the larger tiles save).</para>
/// </remarks>
internal static unsafe class WinogradLeakBound
{
    /// <summary>8 ulps of float32.</summary>
    public const float Leak = 8f / (1 << 24);

    /// <summary>F(4x4)'s constant, for rounding added in quadrature (see remarks): 4 times 2^-24.</summary>
    public const float LargeTileLeak = 4f / (1 << 24);

    /// <summary>The share of the sample's largest |x dx| that a position's bound may reach.</summary>
    public const float Share = 1e-5f;

    /// <summary>
    /// F(4x4, 3x3)'s gains [output a, patch entry j] (4 x 6, row-major): <c>sum_ξ |A^T[a, ξ]| r_ξ |B^T[ξ, j]|</c>,
    /// with <c>r = (1/4, 1/2, 1/2, 7/24, 7/24, 1)</c> the sums of the rows of |G| (matrices in
    /// <see cref="WinogradTransforms4"/>). Output 0 reads patch entries 0..4, outputs 1 and 2 entries 1..4, output 3
    /// entries 1..5.
    /// </summary>
    public static ReadOnlySpan<float> LargeTileGain =>
    [
        1f, 31f / 6, 35f / 6, 13f / 6, 11f / 6, 0f,
        0f, 19f / 3, 31f / 6, 10f / 3, 13f / 6, 0f,
        0f, 26f / 3, 19f / 3, 17f / 3, 10f / 3, 0f,
        0f, 52f / 3, 26f / 3, 46f / 3, 17f / 3, 1f,
    ];

    /// <summary>The factor of max |W'[c, ...]| in kappa_c for an output tile of <paramref name="tile"/>: 2.25 for F(2x2)
    /// (its largest transformed kernel entry), 1 for F(4x4), whose gains come in <see cref="FlagLargeTiles"/>.</summary>
    public static float KappaScale(int tile) => tile == 2 ? 2.25f : 1f;

    /// <summary>
    /// One pass over dy for both guards: <c>peak[p] = max_o |dy[o, p]|</c> (NaN counted as +Inf, so that its tiles are
    /// recomputed) for the range guard, and, when <paramref name="sum"/> is not null, <c>sum[p] = sum_o |dy[o, p]|</c>
    /// for this bound, or with <paramref name="squares"/> <c>sum_o dy[o, p]^2</c> (F(4x4)'s, see remarks).
    /// </summary>
    public static void ChannelPeaksAndSums(float* dy, int channels, int plane, float* peak, float* sum, bool squares = false)
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
                if (sum != null) (Vector256.Load(sum + p) + (squares ? v * v : a)).Store(sum + p);
            }
            for (; p < plane; p++)
            {
                float v = src[p], a = Math.Abs(v);
                peak[p] = Math.Max(peak[p], float.IsNaN(v) ? float.PositiveInfinity : a);
                if (sum != null) sum[p] += squares ? v * v : a;
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

    /// <summary>
    /// F(4x4, 3x3)'s <see cref="Flag"/>: writes the positions i of a height x width output, in 4x4 tiles whose 6x6
    /// patches start at (4 ty - padTop, 4 tx - padLeft) in the plane of <paramref name="squares"/> (Q, see remarks),
    /// where <c>LargeTileLeak * peak[i] * sqrt(sum_{j, k} gain[a, j]^2 gain[b, k]^2 Q[j, k])</c> exceeds <see cref="Share"/> of
    /// <paramref name="largest"/>; returns their count. Positions come tile by tile.
    /// </summary>
    public static int FlagLargeTiles(float* squares, float* peak, float largest, int height, int width, int inputHeight, int inputWidth,
        int padTop, int padLeft, int* positions)
    {
        int count = 0;
        float limit = Share * largest / LargeTileLeak;
        var gain = LargeTileGain;
        float* gain2 = stackalloc float[24];
        for (int t = 0; t < 24; t++) gain2[t] = gain[t] * gain[t];
        float* patch = stackalloc float[36];
        float* rows = stackalloc float[24]; // rows[a, k] = sum_j gain[a, j]^2 Q[j, k]
        for (int ty = 0; 4 * ty < height; ty++)
        for (int tx = 0; 4 * tx < width; tx++)
        {
            int r0 = 4 * ty - padTop, c0 = 4 * tx - padLeft;
            for (int j = 0; j < 6; j++)
            for (int k = 0; k < 6; k++)
            {
                int r = r0 + j, c = c0 + k;
                patch[j * 6 + k] = (uint)r < (uint)inputHeight && (uint)c < (uint)inputWidth ? squares[r * inputWidth + c] : 0f;
            }
            for (int a = 0; a < 4; a++)
            for (int k = 0; k < 6; k++)
            {
                float s = 0f;
                for (int j = 0; j < 6; j++) s += gain2[a * 6 + j] * patch[j * 6 + k];
                rows[a * 6 + k] = s;
            }
            for (int a = 0; a < 4 && 4 * ty + a < height; a++)
            for (int b = 0; b < 4 && 4 * tx + b < width; b++)
            {
                int position = (4 * ty + a) * width + 4 * tx + b;
                float m = peak[position];
                if (m == 0f) continue;
                float bound = 0f;
                for (int k = 0; k < 6; k++) bound += gain2[b * 6 + k] * rows[a * 6 + k];
                if (MathF.Sqrt(bound) * m > limit) // an infinite sum (Inf in dy, or squares past float) is flagged too
                    positions[count++] = position;
            }
        }
        return count;
    }
}
