using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrunedLrp.Kernels;

/// <summary>
/// Convolution products whose input side is non-zero only at a few listed entries (PLRP-M's re-run, where a pruned
/// layer keeps a few hundred of 10^5..10^6 neurons): the cost follows the kept entries, not the tensor.
/// <list type="bullet">
/// <item>Forward: <c>y[o, p] = b[o] + sum over kept e = (c, i) and taps t that map i to p of x[e] W'[o, c, t]</c>.</item>
/// <item>Transposed, at the kept entries only: <c>dx[e] = sum over taps t (p = output of e under t) and o of
/// W'[o, c, t] dy[o, p]</c>; every other entry of dx is 0.</item>
/// </list>
/// W' is the map (<see cref="WeightMap"/>, a rule's variant) of the layer's weights, read from one channel-major copy
/// <c>Wt[c, t, o']</c> (o' within c's group), so the o-loops are contiguous. The output positions the kept entries
/// reach are listed once in ascending order and accumulated (forward) or gathered (transposed) as rows over all output
/// channels, so the strided [C, H, W] side is touched once per reached position.
/// </summary>
internal static class KeptConv
{
    /// <summary>The channel-major copy <c>Wt[c, t, o'] = W[g Og + o', c - g Cg, t]</c> of weight [O, C/G, kH, kW].</summary>
    public static float[] ChannelMajor(in ConvShape s, ReadOnlySpan<float> weight)
    {
        var result = new float[weight.Length];
        ChannelMajor(s, weight, result);
        return result;
    }

    /// <summary>Writes the channel-major copy of <paramref name="weight"/> into <paramref name="result"/> (as long).</summary>
    /// <remarks>A transpose of [O, C] (times the taps) in 32 x 32 tiles, so that both sides stay in cache: the lean
    /// memory mode makes this copy at every kept-entry product (a 2048 x 512 layer went from several ms to about 1).</remarks>
    public static void ChannelMajor(in ConvShape s, ReadOnlySpan<float> weight, Span<float> result)
    {
        if (weight.Length != s.WeightSize || result.Length != s.WeightSize)
            throw new ArgumentException($"weight has {weight.Length} values and result {result.Length}, want {s.WeightSize}", nameof(weight));
        const int Tile = 32;
        int taps = s.KernelHeight * s.KernelWidth, cg = s.InChannels / s.Groups, og = s.OutChannels / s.Groups;
        for (int g = 0; g < s.Groups; g++)
        for (int o0 = 0; o0 < og; o0 += Tile)
        for (int c0 = 0; c0 < cg; c0 += Tile)
        {
            int o1 = Math.Min(og, o0 + Tile), c1 = Math.Min(cg, c0 + Tile);
            for (int ol = o0; ol < o1; ol++)
            {
                var source = weight.Slice(((g * og + ol) * cg + c0) * taps, (c1 - c0) * taps);
                for (int cl = c0; cl < c1; cl++)
                {
                    int target = ((g * cg + cl) * taps) * og + ol;
                    for (int t = 0; t < taps; t++)
                        result[target + t * og] = source[(cl - c0) * taps + t];
                }
            }
        }
    }

    /// <summary>Scratch floats of one call: a slot and a list entry per output position, and a row per reached position.</summary>
    public static int ScratchLength(in ConvShape s) => s.OutSize + 2 * s.OutHeight * s.OutWidth;

    /// <summary>
    /// Whether <paramref name="kept"/> entries per sample make the listed product cheaper than the dense one. Costs in
    /// rough nanoseconds on one core: dense 50 multiply-adds per ns (the GEMM/Winograd paths on two cores), listed 8
    /// (vectorized over the group's output channels) plus one strided access per reached position and output channel.
    /// </summary>
    public static bool Pays(in ConvShape s, int kept)
    {
        int taps = s.KernelHeight * s.KernelWidth, cg = s.InChannels / s.Groups, og = s.OutChannels / s.Groups;
        long positions = (long)s.OutHeight * s.OutWidth;
        double dense = (double)positions * s.OutChannels * cg * taps / 50;
        double reached = Math.Min(positions, (double)kept * taps);
        double listed = (double)kept * taps * Math.Max(og, 8) / 8 + reached * s.OutChannels;
        return 2 * listed < dense;
    }

    /// <summary>Forward product of one sample whose input <paramref name="x"/> is zero outside <paramref name="kept"/>
    /// (ascending): y overwritten, bias added (none when empty).</summary>
    public static void Forward(in ConvShape s, ReadOnlySpan<float> wt, in WeightMap map, ReadOnlySpan<float> x, ReadOnlySpan<int> kept,
        ReadOnlySpan<float> bias, Span<float> y, Span<float> scratch)
    {
        Check(s, wt, x.Length, y.Length, scratch.Length);
        int channels = s.OutChannels, positions = s.OutHeight * s.OutWidth;
        int reached = ListReached(s, kept, scratch, out var slot, out var list);
        var rows = scratch.Slice(2 * positions, reached * channels);
        rows.Clear();
        int taps = s.KernelHeight * s.KernelWidth, plane = s.InHeight * s.InWidth;
        int cg = s.InChannels / s.Groups, og = s.OutChannels / s.Groups;
        foreach (int e in kept)
        {
            float v = x[e];
            if (v == 0f)
                continue;
            int c = e / plane, g = c / cg;
            var taps0 = new TapWalker(s, e - c * plane);
            while (taps0.Next(out int t, out int p))
                AddScaled(wt.Slice((c * taps + t) * og, og), v, rows.Slice(slot[p] * channels + g * og, og), map);
        }
        for (int o = 0; o < channels; o++)
            y.Slice(o * positions, positions).Fill(bias.IsEmpty ? 0f : bias[o]);
        for (int i = 0; i < reached; i++)
        {
            int p = list[i];
            var row = rows.Slice(i * channels, channels);
            for (int o = 0; o < channels; o++)
                y[o * positions + p] += row[o];
        }
    }

    /// <summary>Transposed product of one sample at the <paramref name="kept"/> entries (ascending); dx is 0 elsewhere.</summary>
    public static void BackwardData(in ConvShape s, ReadOnlySpan<float> wt, in WeightMap map, ReadOnlySpan<float> dy, ReadOnlySpan<int> kept,
        Span<float> dx, Span<float> scratch)
    {
        Check(s, wt, dx.Length, dy.Length, scratch.Length);
        int channels = s.OutChannels, positions = s.OutHeight * s.OutWidth;
        int reached = ListReached(s, kept, scratch, out var slot, out var list);
        var rows = scratch.Slice(2 * positions, reached * channels);
        for (int i = 0; i < reached; i++)
        {
            int p = list[i];
            var row = rows.Slice(i * channels, channels);
            for (int o = 0; o < channels; o++)
                row[o] = dy[o * positions + p];
        }
        dx.Clear();
        int taps = s.KernelHeight * s.KernelWidth, plane = s.InHeight * s.InWidth;
        int cg = s.InChannels / s.Groups, og = s.OutChannels / s.Groups;
        foreach (int e in kept)
        {
            int c = e / plane, g = c / cg;
            var walker = new TapWalker(s, e - c * plane);
            float sum = 0f;
            while (walker.Next(out int t, out int p))
                sum += Dot(wt.Slice((c * taps + t) * og, og), rows.Slice(slot[p] * channels + g * og, og), map);
            dx[e] = sum;
        }
    }

    static void Check(in ConvShape s, ReadOnlySpan<float> wt, int inLength, int outLength, int scratchLength)
    {
        if (wt.Length != s.WeightSize)
            throw new ArgumentException($"channel-major weights have {wt.Length} values, want {s.WeightSize}");
        if (inLength != s.InSize || outLength != s.OutSize)
            throw new ArgumentException($"one sample is {s.InSize} inputs and {s.OutSize} outputs, got {inLength} and {outLength}");
        if (scratchLength < ScratchLength(s))
            throw new ArgumentException($"scratch has {scratchLength} floats, want {ScratchLength(s)}");
    }

    /// <summary>Lists the output positions that the kept entries reach, ascending; slot[p] is p's row (-1: not reached).</summary>
    static int ListReached(in ConvShape s, ReadOnlySpan<int> kept, Span<float> scratch, out Span<int> slot, out Span<int> list)
    {
        int positions = s.OutHeight * s.OutWidth, plane = s.InHeight * s.InWidth;
        var ints = MemoryMarshal.Cast<float, int>(scratch[..(2 * positions)]);
        slot = ints[..positions];
        list = ints[positions..];
        slot.Fill(-1);
        foreach (int e in kept)
        {
            if ((uint)e >= (uint)s.InSize)
                throw new ArgumentOutOfRangeException(nameof(kept), e, $"kept index outside the input's {s.InSize} entries");
            var walker = new TapWalker(s, e % plane);
            while (walker.Next(out _, out int p))
                slot[p] = -2;
        }
        int reached = 0;
        for (int p = 0; p < positions; p++)
        {
            if (slot[p] == -2)
            {
                slot[p] = reached;
                list[reached++] = p;
            }
        }
        return reached;
    }

    /// <summary>Walks the (tap, output position) pairs that read one input position: oy = (iy + padTop - u dH) / sH
    /// when that divides exactly and lands inside the output, likewise ox.</summary>
    ref struct TapWalker
    {
        readonly ConvShape _s;
        readonly int _iy, _ix;
        int _u, _v;

        public TapWalker(in ConvShape s, int position)
        {
            _s = s;
            _iy = position / s.InWidth;
            _ix = position - _iy * s.InWidth;
            _u = 0;
            _v = -1;
        }

        public bool Next(out int tap, out int position)
        {
            while (true)
            {
                if (++_v == _s.KernelWidth)
                {
                    _v = 0;
                    _u++;
                }
                if (_u >= _s.KernelHeight)
                {
                    tap = position = -1;
                    return false;
                }
                if (!Output(_iy + _s.PadTop - _u * _s.DilationHeight, _s.StrideHeight, _s.OutHeight, out int oy))
                {
                    _v = _s.KernelWidth - 1; // no tap of this kernel row reaches the output
                    continue;
                }
                if (!Output(_ix + _s.PadLeft - _v * _s.DilationWidth, _s.StrideWidth, _s.OutWidth, out int ox))
                    continue;
                tap = _u * _s.KernelWidth + _v;
                position = oy * _s.OutWidth + ox;
                return true;
            }
        }

        static bool Output(int offset, int stride, int length, out int index)
        {
            index = offset / stride;
            return offset >= 0 && index * stride == offset && index < length;
        }
    }

    /// <summary><c>acc += v map(w)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddScaled(ReadOnlySpan<float> w, float v, Span<float> acc, in WeightMap map)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && w.Length >= 8)
        {
            ref float pw = ref MemoryMarshal.GetReference(w);
            ref float pa = ref MemoryMarshal.GetReference(acc[..w.Length]);
            var vv = Vector256.Create(v);
            bool identity = map.IsIdentity;
            for (; i + 8 <= w.Length; i += 8)
            {
                var wv = Vector256.LoadUnsafe(ref pw, (nuint)i);
                if (!identity)
                    wv = map.Apply(wv);
                Vector256.StoreUnsafe(Vector256.FusedMultiplyAdd(wv, vv, Vector256.LoadUnsafe(ref pa, (nuint)i)), ref pa, (nuint)i);
            }
        }
        for (; i < w.Length; i++)
            acc[i] = MathF.FusedMultiplyAdd(map.Apply(w[i]), v, acc[i]);
    }

    /// <summary><c>sum map(w) g</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Dot(ReadOnlySpan<float> w, ReadOnlySpan<float> g, in WeightMap map)
    {
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && w.Length >= 8)
        {
            ref float pw = ref MemoryMarshal.GetReference(w);
            ref float pg = ref MemoryMarshal.GetReference(g[..w.Length]);
            var acc = Vector256<float>.Zero;
            bool identity = map.IsIdentity;
            for (; i + 8 <= w.Length; i += 8)
            {
                var wv = Vector256.LoadUnsafe(ref pw, (nuint)i);
                if (!identity)
                    wv = map.Apply(wv);
                acc = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref pg, (nuint)i), acc);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < w.Length; i++)
            sum = MathF.FusedMultiplyAdd(map.Apply(w[i]), g[i], sum);
        return sum;
    }
}
