using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// Packs the blocks of a product's left operand straight from a layer's stored weights W, modified by a rule's
/// <see cref="WeightMap"/> as they are packed, so that the product keeps no packed or modified copy (the lean memory
/// mode, <see cref="MemoryMode.Lean"/>). Three views of one group's W [coutG, k], k = cinG kH kW:
/// <list type="bullet">
/// <item><see cref="PackRows"/>: <c>op(A)[i, p] = map(W[i * Stride + p])</c>, the forward product's W_g.</item>
/// <item><see cref="PackColumns"/>: <c>op(A)[i, p] = map(W[p * Stride + i])</c>, W_g^T for the transposed product.</item>
/// <item><see cref="PackFlipped"/>: <c>op(A)[c, o Area + r] = map(W[(o InChannels + c) Area + Area - 1 - r])</c>, the
/// flipped, transposed kernel of the stride-1 transposed convolution (Area = kH kW).</item>
/// </list>
/// The driver packs each block once per column block and thread, so this costs a pass over the weights per product,
/// against the kept forms' 2-4x the weights' memory.
/// </summary>
internal unsafe struct WeightPanels
{
    /// <summary>The group's first weight.</summary>
    public float* Weight;

    /// <summary>Floats between rows of W (k for a convolution's weights).</summary>
    public int Stride;

    /// <summary>kH kW (<see cref="PackFlipped"/> only).</summary>
    public int Area;

    /// <summary>cinG (<see cref="PackFlipped"/> only).</summary>
    public int InChannels;

    /// <summary>The rule's modification, applied to every packed weight.</summary>
    public WeightMap Map;

    /// <summary>Packs op(A) = W (see the type's remarks).</summary>
    public static void PackRows(void* context, int pc, int kc, int ic, int mc, float* dst)
    {
        ref var w = ref *(WeightPanels*)context;
        GemmPacking.PackA(w.Weight + (long)ic * w.Stride + pc, w.Stride, false, mc, kc, dst);
        MapInPlace(w.Map, dst, (long)RoundUp(mc, MR) * kc);
    }

    /// <summary>Packs op(A) = W^T (see the type's remarks).</summary>
    public static void PackColumns(void* context, int pc, int kc, int ic, int mc, float* dst)
    {
        ref var w = ref *(WeightPanels*)context;
        GemmPacking.PackA(w.Weight + (long)pc * w.Stride + ic, w.Stride, true, mc, kc, dst);
        MapInPlace(w.Map, dst, (long)RoundUp(mc, MR) * kc);
    }

    /// <summary>Packs op(A) = the flipped, transposed kernel (see the type's remarks).</summary>
    public static void PackFlipped(void* context, int pc, int kc, int ic, int mc, float* dst)
    {
        ref var w = ref *(WeightPanels*)context;
        int area = w.Area;
        long outputStride = (long)w.InChannels * area;
        float* start = dst;
        var taps = stackalloc Vector256<float>[9];
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            // Entry (c, p) with p = o * area + r reads W[o, c, area - 1 - r]: the MR channels of a panel are area apart.
            int o = pc / area, r = pc % area;
            bool wholeKernels = area == 9 && rows == MR && Avx.IsSupported; // a full panel of 3x3 kernels
            for (int p = 0; p < kc; p++, dst += MR)
            {
                if (wholeKernels && r == 0 && p + 9 <= kc)
                {
                    // A whole 3x3 kernel of the panel's six channels: nine entries from six loads (KernelTaps).
                    float* k0 = w.Weight + o * outputStride + (long)(ic + ir) * 9;
                    KernelTaps.Load(k0, k0 + 9, k0 + 18, k0 + 27, k0 + 36, k0 + 45, flipped: true, taps);
                    // Entries of 6 stored 8 wide, each one's last 2 overwritten by the next; the ninth exactly (4 + 2).
                    for (int t = 0; t < 8; t++)
                        Avx.Store(dst + t * MR, taps[t]);
                    Sse.Store(dst + 8 * MR, taps[8].GetLower());
                    Sse2.StoreScalar((double*)(dst + 8 * MR + 4), taps[8].GetUpper().AsDouble());
                    p += 8; // the loop adds the ninth entry
                    dst += 8 * MR;
                    o++;
                    continue;
                }
                float* source = w.Weight + o * outputStride + (long)(ic + ir) * area + area - 1 - r;
                int i = 0;
                for (; i < rows; i++) dst[i] = source[(long)i * area];
                for (; i < MR; i++) dst[i] = 0f;
                if (++r == area) (o, r) = (o + 1, 0);
            }
        }
        MapInPlace(w.Map, start, (long)RoundUp(mc, MR) * kc);
    }

    // The zero rows that pad the last panel are mapped too (Ones makes them 1): they only reach the padded rows of the
    // micro-kernel's tile, which are never stored.
    static void MapInPlace(WeightMap map, float* data, long length)
    {
        if (map.IsIdentity) return;
        long i = 0;
        for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
            Vector256.Store(map.Apply(Vector256.Load(data + i)), data + i);
        for (; i < length; i++)
            data[i] = map.Apply(data[i]);
    }
}
