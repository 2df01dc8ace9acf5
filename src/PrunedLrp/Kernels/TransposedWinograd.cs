using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Kernels;

/// <summary>
/// The transposed product of a 3x3, stride-1, undilated, ungrouped convolution,
/// <c>dx[c, i, j] = sum_{o, u, v} W'[c, o, u, v] dy[o, i - pt' + u, j - pl' + v]</c> with the flipped kernel
/// <c>W'[c, o, u, v] = W[o, c, 2-u, 2-v]</c> and pads <c>pt' = 2 - pt</c>, by Winograd's F(2x2, 3x3) where that is as
/// accurate as the direct sum, and by the direct sum on the other tiles; F(4x4, 3x3) where dx is at least 16x16
/// (<see cref="Winograd3x3.TileFor"/>).
/// </summary>
/// <remarks>
/// In the relevance pass dy is R/z, which can hold entries many orders above their neighbours (z near zero). In
/// F(2x2, 3x3) every output's arithmetic only involves the entries of its own window, but an entry's rounding error
/// reaches the output scaled by the transformed kernel, not by the entry's own weight: where that weight is zero,
/// the direct sum adds nothing and Winograd adds a few ulps of the entry. With W+ or W- (z+, alpha-beta) half the
/// weights are zero, and a huge entry then shows up in outputs that must not see it (measured: a PLRP-M parity error
/// of 3.8e-3 instead of 7e-7). So a kernel with zero weights takes this path only when the caller passes the factor
/// it multiplies dx by (the layer input x): the positions where the rounding could reach <see cref="WinogradLeakBound.Share"/>
/// of the largest <c>|x dx|</c> are then recomputed directly (<see cref="WinogradLeakBound"/>). As a margin for all, tiles
/// whose 4x4 input patch holds Inf or NaN, or an entry above <see cref="Range"/> times the largest of the patch's centre
/// (the 2x2 every output of the tile reads), are recomputed directly: their columns are gathered and multiplied by the
/// packed flipped kernel. Outputs of such a tile whose 3x3 window is all zero are written as the direct sum's exact
/// zero instead. Pruned relevance leaves many: on ResNet-50 with PLRP at p = 0.5, 17-22% of the outputs of the 14x14
/// layers, about half of the 35-49% that failed the guard there (which sent those products to the direct sum; now it
/// recomputes 18-27%). When more than <see cref="MaxFlaggedFraction"/> of the outputs would need recomputing, the caller
/// runs the direct product instead.
/// <para>F(4x4, 3x3) mixes the whole 6x6 patch into every output of its tile, and no patch entry is read by all 16
/// outputs, so there is no centre: its guard checks each output on its own, and recomputes those whose 3x3 window
/// peaks below 1/<see cref="Range"/> of the patch's peak (an all-zero window again gives an exact zero), so that the
/// rounding of any patch entry stays within a few times that of the entries the output reads. (Until the zero windows
/// were split off, one such output sent its whole tile to the direct sum.) Kernels with zero weights get the leak bound
/// of F(4x4) (<see cref="WinogradLeakBound.FlagLargeTiles"/>), which weighs every entry of the patch by how much of it
/// can reach the output. (Until it had one, they ran F(2x2) on every plane; with it, VGG-16's epsilon-plus-flat explain
/// took 1-10% less time in five rounds alternating the builds, its GEMM 15% fewer perf samples.)</para>
/// <para>The lean memory mode's form (<see cref="Lean"/>) keeps none of the kernels: it writes them from W through the
/// rule's map into the scratch at every call (<see cref="LeanWinograd"/>), packs the recomputed positions' kernel
/// block by block from W as well, and keeps only the leak bound's per-channel factors. The guards and the results are
/// those of the fast form, bit for bit.</para>
/// </remarks>
internal sealed unsafe class TransposedWinograd
{
    /// <summary>The largest ratio of a patch's peak to its centre's peak that Winograd may handle.</summary>
    public const float Range = 4f;

    /// <summary>Share of the outputs above which the repairs would cost more than Winograd saves.</summary>
    public const double MaxFlaggedFraction = 0.3;

    /// <summary>
    /// What a recompute pass costs at the least, in outputs: it streams the whole flipped kernel however few its
    /// columns, so on a small plane (ResNet-50's 7x7: 49 outputs) one flagged output already costs more than Winograd
    /// saves there, and the range guard sends the product to the direct sum.
    /// </summary>
    public const int MinRecomputeCost = 16;

    // Output positions recomputed per product: the column block is 9 outC x 128 floats (2.4 MB at 512 channels).
    const int PositionBlock = 128;

    // PRUNEDLRP_WINOGRAD_TRANSPOSED=0 keeps the relevance pass on the direct sum (A/B timing).
    static readonly bool s_enabled = Environment.GetEnvironmentVariable("PRUNEDLRP_WINOGRAD_TRANSPOSED") != "0";

    readonly Winograd3x3? _winograd; // the fast form's, with its transformed kernels
    readonly LeanWinograd? _lean;    // the lean form's: kernels remade in the scratch at every call
    readonly PackedMatrix? _direct;  // W' [inC, outC * 9] for the recomputed positions (the lean form packs it per block)
    readonly ReadOnlyMemory<float> _leanWeight; // the lean form's W [outC, inC, 3, 3], read through _map
    readonly WeightMap _map;
    readonly float[] _kappa;       // per input channel: KappaScale(tile) max |W'[c, ...]|, for the leak bound
    readonly int _outChannels, _inChannels, _height, _width, _outHeight, _outWidth, _padTop, _padLeft;
    readonly int _tile; // Winograd's output tile: 4 on outputs of at least 16x16, else 2

    /// <summary>Whether the product of <paramref name="s"/> can run here (<see cref="Winograd3x3.Applies"/> on the transposed sizes).</summary>
    public static bool Applies(in ConvShape s) =>
        s_enabled && Winograd3x3.IsPlain3x3(s) && Winograd3x3.Applies(s.OutChannels, s.InChannels, s.InHeight, s.InWidth);

    /// <summary>Whether no weight is exactly zero, so that every output reads every entry of its window (see remarks).</summary>
    public static bool HasNoZeroWeight(ReadOnlySpan<float> weight)
    {
        foreach (float w in weight)
            if (w == 0f) return false;
        return true;
    }

    /// <summary>Prepares the product of <paramref name="s"/> from its packed flipped kernel W' [inC, outC * 9].</summary>
    public TransposedWinograd(in ConvShape s, PackedMatrix flipped) : this(s)
    {
        if (flipped.Rows != s.InChannels || flipped.Columns != s.OutChannels * 9)
            throw new ArgumentException($"the flipped kernel is {flipped.Rows}x{flipped.Columns}, want {s.InChannels}x{s.OutChannels * 9}", nameof(flipped));
        using var buffer = new NativeBuffer((long)flipped.Rows * flipped.Columns);
        var weight = buffer.Span;
        flipped.UnpackLeft(weight);
        ZeroFree = HasNoZeroWeight(weight);
        _tile = Winograd3x3.TileFor(_height, _width);
        _winograd = new Winograd3x3(_outChannels, _inChannels, _outHeight, _outWidth, _height, _width, _padTop, _padLeft, weight,
            outputTile: _tile);
        _kappa = new float[_inChannels];
        // MaxMagnitude returns the entry itself, sign and all: W-'s is negative, and a negative bound flagged nothing.
        for (int c = 0; c < _inChannels; c++)
            _kappa[c] = WinogradLeakBound.KappaScale(_tile) * Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(weight.Slice(c * _outChannels * 9, _outChannels * 9)));
        _direct = flipped;
    }

    /// <summary>
    /// The lean form (<see cref="MemoryMode.Lean"/>) of the product of <paramref name="s"/> with the kernels of
    /// <c>map(weight)</c> (W [outC, inC, 3, 3]), or null where remaking the transformed kernels at every call would not
    /// pay (<see cref="LeanWinograd.PaysFor"/>). Keeps only the per-channel bounds of the leak guard (inC floats).
    /// </summary>
    public static TransposedWinograd? Lean(in ConvShape s, ReadOnlyMemory<float> weight, WeightMap map)
    {
        if (!Applies(s))
            return null;
        int tile = Winograd3x3.TileFor(s.InHeight, s.InWidth);
        if (!LeanWinograd.PaysFor(tile, s.InHeight * s.InWidth))
            return null;
        // kappa[c] = KappaScale(tile) max over (o, taps) |map(W[o, c, ...])|: the same maxima the fast form takes of W'
        // (flipping only reorders the taps).
        var tapPeaks = new float[s.InChannels * 9];
        bool zeroFree = MappedPeaks(weight.Span, map, s.OutChannels, tapPeaks);
        var kappa = new float[s.InChannels];
        for (int c = 0; c < kappa.Length; c++)
            kappa[c] = WinogradLeakBound.KappaScale(tile) * TensorPrimitives.Max(tapPeaks.AsSpan(c * 9, 9));
        return new TransposedWinograd(s, weight, map, kappa, zeroFree, tile);
    }

    /// <summary>
    /// <c>peaks[k] = max over rows r of |map(w[r * peaks.Length + k])|</c>; returns whether no mapped weight is zero.
    /// One sweep of the rows, a vector at a time, so that the lean form's setup reads VGG-16's 15M weights in a few ms.
    /// </summary>
    internal static bool MappedPeaks(ReadOnlySpan<float> w, WeightMap map, int rows, Span<float> peaks)
    {
        int length = peaks.Length;
        if (w.Length != checked(rows * length))
            throw new ArgumentException($"{w.Length} weights are not {rows} rows of {length}", nameof(w));
        peaks.Clear();
        var zeros = Vector256<float>.Zero; // lanes that met a zero
        float scalarZero = 1f;
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * length, length);
            int k = 0;
            for (; k <= length - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                var v = map.Apply(Vector256.Create(row.Slice(k, Vector256<float>.Count)));
                zeros |= Vector256.Equals(v, Vector256<float>.Zero);
                Vector256.Max(Vector256.Create((ReadOnlySpan<float>)peaks.Slice(k, Vector256<float>.Count)), Vector256.Abs(v))
                    .CopyTo(peaks.Slice(k, Vector256<float>.Count));
            }
            for (; k < length; k++)
            {
                float v = map.Apply(row[k]);
                if (v == 0f)
                    scalarZero = 0f;
                peaks[k] = Math.Max(peaks[k], Math.Abs(v));
            }
        }
        return zeros == Vector256<float>.Zero && scalarZero != 0f;
    }

    TransposedWinograd(in ConvShape s, ReadOnlyMemory<float> weight, WeightMap map, float[] kappa, bool zeroFree, int tile) : this(s)
    {
        (_leanWeight, _map, _kappa, ZeroFree, _tile) = (weight, map, kappa, zeroFree, tile);
        _lean = LeanWinograd.Transposed(s, tile);
    }

    TransposedWinograd(in ConvShape s)
    {
        if (!Applies(s))
            throw new ArgumentException($"{s} is not a 3x3 stride-1 convolution that Winograd serves", nameof(s));
        (_outChannels, _inChannels, _height, _width) = (s.OutChannels, s.InChannels, s.InHeight, s.InWidth);
        (_outHeight, _outWidth, _padTop, _padLeft) = (s.OutHeight, s.OutWidth, 2 - s.PadTop, 2 - s.PadLeft);
        _kappa = [];
    }

    /// <summary>Whether no weight is zero, so that <see cref="TryRun"/> may run without the factors of its output.</summary>
    public bool ZeroFree { get; }

    /// <summary>Scratch floats of <see cref="TryRun"/>: the channel peaks and sums of dy, the recomputed and the zeroed
    /// positions, the factor peaks, and the larger of Winograd's blocks and a block of gathered columns with its product.</summary>
    public static int ScratchLengthFor(in ConvShape s) => checked(2 * s.OutHeight * s.OutWidth + 3 * s.InHeight * s.InWidth
        + Math.Max(Winograd3x3.ScratchLengthFor(s.OutChannels, s.InChannels, s.InHeight, s.InWidth, Winograd3x3.TileFor(s.InHeight, s.InWidth)),
            (s.OutChannels * 9 + s.InChannels) * PositionBlock));

    /// <summary>
    /// Scratch floats of the lean form's <see cref="TryRun"/> for any weight variant of <paramref name="s"/> (0 where it
    /// would not run): by shape alone, like <see cref="ScratchLengthFor"/>, as the tile depends on the plane only. Room
    /// for the kernels of one group, the guards' arrays, and the Winograd blocks.
    /// </summary>
    public static int LeanScratchLengthFor(in ConvShape s)
    {
        int tile = Winograd3x3.TileFor(s.InHeight, s.InWidth);
        return Applies(s) && LeanWinograd.PaysFor(tile, s.InHeight * s.InWidth) ? LeanScratch(s, LeanWinograd.Transposed(s, tile)) : 0;
    }

    static int LeanScratch(in ConvShape s, LeanWinograd lean) => checked(2 * s.OutHeight * s.OutWidth + 3 * s.InHeight * s.InWidth
        + Math.Max(lean.ScratchLength, (s.OutChannels * 9 + s.InChannels) * PositionBlock));

    /// <summary>
    /// dx = W'^T-product of dy for one sample, whose caller then multiplies dx elementwise by <paramref name="factor"/>
    /// (null: unknown, allowed only when <see cref="ZeroFree"/>; then the positions where Winograd's rounding could
    /// show in those products are recomputed, see <see cref="WinogradLeakBound"/>). False (dx unspecified) when so
    /// many positions need the direct sum that the caller should run it for the whole product.
    /// </summary>
    public bool TryRun(float* dy, float* dx, float* scratch, float* factor)
    {
        if (factor == null && !ZeroFree)
            return false;
        int dyPlane = _outHeight * _outWidth, dxPlane = _height * _width;
        float* peak = scratch, sums = scratch + dyPlane;
        int* positions = (int*)(sums + dyPlane), zeros = positions + dxPlane;
        float* factorPeak = sums + dyPlane + 2 * dxPlane, work = factorPeak + dxPlane;
        WinogradLeakBound.ChannelPeaksAndSums(dy, _outChannels, dyPlane, peak, factor == null ? null : sums, squares: _tile != 2);
        var (count, zeroCount) = Flag(peak, positions, zeros);
        if ((count == 0 ? 0 : Math.Max(count, MinRecomputeCost)) > MaxFlaggedFraction * dxPlane)
            return false;
        RunWinograd(dy, dx, work);
        RecomputeAll(dy, dx, positions, count, work);
        WriteZeros(dx, zeros, zeroCount);
        if (factor == null || ZeroFree)
            return true; // every output reads every entry of its window: the range guard suffices
        fixed (float* kappa = _kappa)
        {
            float largest = WinogradLeakBound.FactorPeaks(factor, dx, kappa, _inChannels, dxPlane, factorPeak);
            count = _tile == 2
                ? WinogradLeakBound.Flag(sums, factorPeak, largest, _height, _width, _outHeight, _outWidth, _padTop, _padLeft, positions)
                : WinogradLeakBound.FlagLargeTiles(sums, factorPeak, largest, _height, _width, _outHeight, _outWidth, _padTop, _padLeft, positions);
        }
        if (count > MaxFlaggedFraction * dxPlane)
            return false;
        RecomputeAll(dy, dx, positions, count, work);
        return true;
    }

    void RunWinograd(float* dy, float* dx, float* work)
    {
        if (_lean == null)
        {
            _winograd!.Run(dy, null, dx, work);
            return;
        }
        fixed (float* w = _leanWeight.Span)
            _lean.Forward(w, _map, dy, null, dx, 1, work, rectify: false);
    }

    void RecomputeAll(float* dy, float* dx, int* positions, int count, float* work)
    {
        for (int first = 0; first < count; first += PositionBlock)
            Recompute(dy, dx, positions + first, Math.Min(PositionBlock, count - first), work);
    }

    // The range guard on every m x m tile (m = 2 or 4) and its (m+2) x (m+2) patch of channel peaks. All outputs of a
    // tile whose patch holds +Inf (or NaN) go to `positions`, recomputed directly. Otherwise:
    // - F(2x2): when the patch peaks above Range times the peak of the 2x2 centre that all the tile's outputs read, its
    //   outputs go to `positions`, except those whose 3x3 window is all zero: they go to `zeros`, written as the direct
    //   sum's exact zero (pruned relevance leaves many, and such a tile always fails, its centre being zero);
    // - F(4x4): each output on its own: to `zeros` when its window is all zero, to `positions` when its window peaks
    //   below 1/Range of the patch's peak.
    // Positions are i * W + j; returns the two counts.
    internal (int Recompute, int Zero) Flag(float* peak, int* positions, int* zeros)
    {
        int m = _tile, side = m + 2, count = 0, zeroCount = 0;
        float* patch = stackalloc float[36];
        float* windows = stackalloc float[16];
        for (int ty = 0; m * ty < _height; ty++)
        for (int tx = 0; m * tx < _width; tx++)
        {
            int r0 = m * ty - _padTop, c0 = m * tx - _padLeft;
            float largest = 0f;
            for (int a = 0; a < side; a++)
            for (int b = 0; b < side; b++)
            {
                int r = r0 + a, c = c0 + b;
                float v = (uint)r < (uint)_outHeight && (uint)c < (uint)_outWidth ? peak[r * _outWidth + c] : 0f;
                patch[a * side + b] = v;
                largest = Math.Max(largest, v);
            }
            bool infinite = float.IsPositiveInfinity(largest);
            float lowest = float.PositiveInfinity;
            for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++)
            {
                float window = 0f;
                for (int u = 0; u < 3; u++)
                for (int v = 0; v < 3; v++)
                    window = Math.Max(window, patch[(a + u) * side + b + v]);
                windows[a * m + b] = window;
                lowest = Math.Min(lowest, window);
            }
            float floor = largest / Range;
            bool wholeTile = infinite || (m == 2 && largest > Range * Math.Max(
                Math.Max(patch[side + 1], patch[side + 2]), Math.Max(patch[2 * side + 1], patch[2 * side + 2])));
            if (!wholeTile && lowest >= floor) continue;
            for (int a = 0; a < m && m * ty + a < _height; a++)
            for (int b = 0; b < m && m * tx + b < _width; b++)
            {
                int position = (m * ty + a) * _width + m * tx + b;
                float window = windows[a * m + b];
                if (!infinite && window == 0f) zeros[zeroCount++] = position;
                else if (wholeTile || window < floor) positions[count++] = position;
            }
        }
        return (count, zeroCount);
    }

    // dx = 0 at `count` positions of every channel.
    void WriteZeros(float* dx, int* zeros, int count)
    {
        for (int c = 0; c < _inChannels; c++)
        {
            float* target = dx + (long)c * _height * _width;
            for (int t = 0; t < count; t++)
                target[zeros[t]] = 0f;
        }
    }

    // dx at `count` positions = W' times their gathered columns: col[(o*3 + u)*3 + v, t] = dy[o, i_t - pt' + u, j_t - pl' + v].
    void Recompute(float* dy, float* dx, int* positions, int count, float* work)
    {
        int rows = _outChannels * 9, plane = _outHeight * _outWidth;
        float* columns = work, product = work + (long)rows * count;
        // Where each tap of each position reads in a dy plane (-1: outside), worked out once for all channels rather than
        // with two integer divisions per gathered entry (outC x 9 of them per position).
        int* offsets = stackalloc int[9 * PositionBlock];
        for (int t = 0; t < count; t++)
        {
            int i = positions[t] / _width - _padTop, j = positions[t] % _width - _padLeft;
            for (int u = 0; u < 3; u++)
            for (int v = 0; v < 3; v++)
            {
                int r = i + u, c = j + v;
                offsets[(u * 3 + v) * count + t] = (uint)r < (uint)_outHeight && (uint)c < (uint)_outWidth ? r * _outWidth + c : -1;
            }
        }
        for (int o = 0; o < _outChannels; o++)
        {
            float* source = dy + (long)o * plane;
            for (int tap = 0; tap < 9; tap++)
            {
                float* column = columns + (long)(o * 9 + tap) * count;
                int* offset = offsets + tap * count;
                for (int t = 0; t < count; t++)
                    column[t] = offset[t] >= 0 ? source[offset[t]] : 0f;
            }
        }
        fixed (float* w = _leanWeight.Span)
        {
            // The lean form packs W' block by block from W, through the map, as its direct products do.
            var panels = new WeightPanels { Weight = w, Area = 9, InChannels = _inChannels, Map = _map };
            var a = _direct != null ? LeftOperand.Of(_direct) : LeftOperand.PackedBy(_inChannels, rows, &WeightPanels.PackFlipped, &panels);
            Gemm.Multiply(a, count, new ReadOnlySpan<float>(columns, rows * count), count,
                new Span<float>(product, _inChannels * count), count, accumulate: false);
        }
        GC.KeepAlive(_direct);
        for (int c = 0; c < _inChannels; c++)
        {
            float* target = dx + (long)c * _height * _width, source = product + (long)c * count;
            for (int t = 0; t < count; t++)
                target[positions[t]] = source[t];
        }
    }
}
