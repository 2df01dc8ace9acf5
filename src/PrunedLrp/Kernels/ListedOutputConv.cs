using PrunedLrp.Pruning;

namespace PrunedLrp.Kernels;

/// <summary>
/// Convolution products needed at a few listed output entries only: PLRP-λ's pruned relevance R is zero outside the
/// kept entries, and so is every rule's <c>s = R / z</c>, so a rule needs its denominators z there and the transposed
/// product of an s that is zero elsewhere. For listed entries <c>e = (o, p, q)</c> of one sample:
/// <list type="bullet">
/// <item>At: <c>z[e] = b[o] + sum_{c in group(o), u, v} map(W[o, c, u, v]) x[c, p sH - padT + u dH, q sW - padL + v dW]</c>
/// (zero outside the input).</item>
/// <item>Transposed: <c>dx = sum over listed e of dy[e] map(W[o])</c> placed on e's window, the same sum as
/// <c>W^T dy</c> for a dy that is zero outside the list; dx is overwritten.</item>
/// </list>
/// Both read W in its stored layout [O, C/G, kH, kW] through the rule's map, so nothing is kept or packed, and cost
/// about <c>|list| C/G kH kW</c> multiply-adds, against <c>O oH oW C/G kH kW</c> for the dense products.
/// </summary>
internal static unsafe class ListedOutputConv
{
    /// <summary>
    /// Whether <paramref name="listed"/> entries per sample make the listed products cheaper than the dense ones. Each
    /// weight and input is read at a stride, so the listed ones run about 1 multiply-add per ns and core (both cores
    /// from <see cref="SplitFrom"/>), the dense ones (GEMM or Winograd on both cores) 50 to 225. Measured with a ZPlus
    /// step's two products (<c>quick-listed</c>) on ResNet-50 and VGG-16 layers, the listed pair broke even at 0.7-3% of
    /// the output, so the list is used up to 1/192 (0.52%).
    /// </summary>
    public static bool Pays(in ConvShape s, int listed) => (long)listed * 192 <= s.OutSize;

    /// <summary>The most entries per sample for which <see cref="Pays"/> holds.</summary>
    public static int Limit(in ConvShape s) => s.OutSize / 192;

    /// <summary>Multiply-adds from which a call splits its work over both kernel threads (about 50 us on one).</summary>
    const long SplitFrom = 1 << 16;

    /// <summary>z at the <paramref name="outputs"/> (flat indices within one sample's output) of one sample x.</summary>
    /// <remarks>Large lists are split in two halves, one per kernel thread; each entry's sum is the same either way.</remarks>
    public static void At(in ConvShape s, ReadOnlySpan<float> w, in WeightMap map, ReadOnlySpan<float> x, ReadOnlySpan<int> outputs,
        ReadOnlySpan<float> bias, Span<float> z)
    {
        Check(s, w.Length, x.Length, outputs, z.Length);
        if (Work(s, outputs.Length) < SplitFrom)
        {
            AtRange(s, w, map, x, outputs, bias, z, 0, outputs.Length);
            return;
        }
        fixed (float* pw = w, px = x, pb = bias, pz = z)
        fixed (int* po = outputs)
        {
            var job = new Job { Shape = s, W = pw, Map = map, Tensor = px, Outputs = po, Count = outputs.Length, Bias = pb, BiasLength = bias.Length, Values = pz };
            PassHalves.Run(&AtHalf, &job);
        }
    }

    static void AtHalf(void* context, int half)
    {
        ref var j = ref *(Job*)context;
        var (start, end) = PassHalves.Range(j.Count, half);
        AtRange(j.Shape, new ReadOnlySpan<float>(j.W, j.Shape.WeightSize), j.Map, new ReadOnlySpan<float>(j.Tensor, j.Shape.InSize),
            new ReadOnlySpan<int>(j.Outputs, j.Count), new ReadOnlySpan<float>(j.Bias, j.BiasLength), new Span<float>(j.Values, j.Count), start, end);
    }

    // z[k] for listed entries k in [start, end).
    static void AtRange(in ConvShape s, ReadOnlySpan<float> w, in WeightMap map, ReadOnlySpan<float> x, ReadOnlySpan<int> outputs,
        ReadOnlySpan<float> bias, Span<float> z, int start, int end)
    {
        int positions = s.OutHeight * s.OutWidth, plane = s.InHeight * s.InWidth, taps = s.KernelHeight * s.KernelWidth;
        int cg = s.InChannels / s.Groups, og = s.OutChannels / s.Groups;
        for (int k = start; k < end; k++)
        {
            int e = outputs[k], o = e / positions;
            var kernel = w.Slice(o * cg * taps, cg * taps);
            var input = x.Slice(o / og * cg * plane, cg * plane);
            // Four partial sums over the channels: one chain of dependent multiply-adds would wait on each one's latency.
            float sum0 = 0f, sum1 = 0f, sum2 = 0f, sum3 = 0f;
            var window = new WindowWalker(s, e - o * positions);
            while (window.Next(out int tap, out int offset))
            {
                int c = 0;
                for (; c + 4 <= cg; c += 4)
                {
                    sum0 = MathF.FusedMultiplyAdd(map.Apply(kernel[c * taps + tap]), input[c * plane + offset], sum0);
                    sum1 = MathF.FusedMultiplyAdd(map.Apply(kernel[(c + 1) * taps + tap]), input[(c + 1) * plane + offset], sum1);
                    sum2 = MathF.FusedMultiplyAdd(map.Apply(kernel[(c + 2) * taps + tap]), input[(c + 2) * plane + offset], sum2);
                    sum3 = MathF.FusedMultiplyAdd(map.Apply(kernel[(c + 3) * taps + tap]), input[(c + 3) * plane + offset], sum3);
                }
                for (; c < cg; c++)
                    sum0 = MathF.FusedMultiplyAdd(map.Apply(kernel[c * taps + tap]), input[c * plane + offset], sum0);
            }
            z[k] = (sum0 + sum1 + (sum2 + sum3)) + (bias.IsEmpty ? 0f : bias[o]);
        }
    }

    /// <summary>One sample's <c>dx = W^T dy</c> for dy zero outside the <paramref name="outputs"/>, given as its values
    /// there (<paramref name="dy"/>[k] at outputs[k]); dx overwritten.</summary>
    /// <remarks>Large lists split each group's input channels in two halves, one per kernel thread: the threads write
    /// disjoint parts of dx, and each entry of dx adds its terms in list order either way.</remarks>
    public static void Transposed(in ConvShape s, ReadOnlySpan<float> w, in WeightMap map, ReadOnlySpan<int> outputs, ReadOnlySpan<float> dy,
        Span<float> dx)
    {
        Check(s, w.Length, dx.Length, outputs, dy.Length);
        dx.Clear();
        int cg = s.InChannels / s.Groups;
        if (Work(s, outputs.Length) < SplitFrom || cg < 2)
        {
            TransposedChannels(s, w, map, outputs, dy, dx, 0, cg);
            return;
        }
        fixed (float* pw = w, pdx = dx, pdy = dy)
        fixed (int* po = outputs)
        {
            var job = new Job { Shape = s, W = pw, Map = map, Tensor = pdx, Outputs = po, Count = outputs.Length, Values = pdy };
            PassHalves.Run(&TransposedHalf, &job);
        }
    }

    static void TransposedHalf(void* context, int half)
    {
        ref var j = ref *(Job*)context;
        int cg = j.Shape.InChannels / j.Shape.Groups, middle = cg / 2;
        TransposedChannels(j.Shape, new ReadOnlySpan<float>(j.W, j.Shape.WeightSize), j.Map, new ReadOnlySpan<int>(j.Outputs, j.Count),
            new ReadOnlySpan<float>(j.Values, j.Count), new Span<float>(j.Tensor, j.Shape.InSize), half == 0 ? 0 : middle, half == 0 ? middle : cg);
    }

    // dx += the listed entries' terms on input channels [c0, c1) of each group (channels counted within the group).
    static void TransposedChannels(in ConvShape s, ReadOnlySpan<float> w, in WeightMap map, ReadOnlySpan<int> outputs, ReadOnlySpan<float> dy,
        Span<float> dx, int c0, int c1)
    {
        int positions = s.OutHeight * s.OutWidth, plane = s.InHeight * s.InWidth, taps = s.KernelHeight * s.KernelWidth;
        int cg = s.InChannels / s.Groups, og = s.OutChannels / s.Groups;
        for (int k = 0; k < outputs.Length; k++)
        {
            float d = dy[k];
            if (d == 0f)
                continue; // adds nothing (a NaN or infinite d is spread like the dense product spreads it)
            int e = outputs[k], o = e / positions;
            var kernel = w.Slice(o * cg * taps, cg * taps);
            var input = dx.Slice(o / og * cg * plane, cg * plane);
            var window = new WindowWalker(s, e - o * positions);
            while (window.Next(out int tap, out int offset))
            {
                for (int c = c0; c < c1; c++)
                    input[c * plane + offset] = MathF.FusedMultiplyAdd(map.Apply(kernel[c * taps + tap]), d, input[c * plane + offset]);
            }
        }
    }

    /// <summary>Walks the taps of one output position's window that fall inside the input, with the input offset
    /// (within a channel) each reads: <c>(oy sH - padT + u dH) W + ox sW - padL + v dW</c>.</summary>
    ref struct WindowWalker
    {
        readonly ConvShape _s;
        readonly int _top, _left;
        int _u, _v;

        public WindowWalker(in ConvShape s, int position)
        {
            _s = s;
            int oy = position / s.OutWidth;
            _top = oy * s.StrideHeight - s.PadTop;
            _left = (position - oy * s.OutWidth) * s.StrideWidth - s.PadLeft;
            _u = 0;
            _v = -1;
        }

        public bool Next(out int tap, out int offset)
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
                    tap = offset = -1;
                    return false;
                }
                int iy = _top + _u * _s.DilationHeight;
                if ((uint)iy >= (uint)_s.InHeight)
                {
                    _v = _s.KernelWidth - 1; // no tap of this kernel row is inside the input
                    continue;
                }
                int ix = _left + _v * _s.DilationWidth;
                if ((uint)ix >= (uint)_s.InWidth)
                    continue;
                tap = _u * _s.KernelWidth + _v;
                offset = iy * _s.InWidth + ix;
                return true;
            }
        }
    }

    // Multiply-adds of one product over `listed` entries.
    static long Work(in ConvShape s, int listed) => (long)listed * (s.InChannels / s.Groups) * s.KernelHeight * s.KernelWidth;

    // One product's operands for the two halves (the caller's spans, pinned for the call).
    struct Job
    {
        public ConvShape Shape;
        public WeightMap Map;
        public float* W, Tensor, Bias, Values;
        public int* Outputs;
        public int Count, BiasLength;
    }

    static void Check(in ConvShape s, int weights, int inLength, ReadOnlySpan<int> outputs, int valuesLength)
    {
        if (weights != s.WeightSize || inLength != s.InSize)
            throw new ArgumentException($"want {s.WeightSize} weights and {s.InSize} inputs, got {weights} and {inLength}");
        if (valuesLength != outputs.Length)
            throw new ArgumentException($"{outputs.Length} listed outputs but {valuesLength} values");
        foreach (int e in outputs)
        {
            if ((uint)e >= (uint)s.OutSize)
                throw new ArgumentOutOfRangeException(nameof(outputs), e, $"listed index outside the output's {s.OutSize} entries");
        }
    }
}
