using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// The common 2x2, stride-2, unpadded max pool on 8 outputs at a time (VGG's pools: the scalar window loop spent
/// ~18 ms of VGG-16's forward pass here). The winner is the first maximum in scan order (0,0), (0,1), (1,0), (1,1),
/// as in <see cref="MaxPoolKernel"/>; a group of 8 windows containing a NaN is left to the scalar code, which lets
/// NaN win as PyTorch does.
/// </summary>
internal static unsafe class MaxPool2x2
{
    public static bool Applies(in ConvShape s) => Avx2.IsSupported
        && s is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PadTop: 0, PadLeft: 0, DilationHeight: 1, DilationWidth: 1 };

    /// <summary>
    /// Outputs q0..q0+7 of one output row: <paramref name="row0"/> and <paramref name="row1"/> are the window's two
    /// input rows. Forward writes y[q0..q0+8); backward writes the relevance of each window to its winner and 0 to the
    /// other three taps of rIn's two rows. Returns false, having written nothing, when a NaN is among the 32 inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Group(float* row0, float* row1, int q0, float* y, float* rOut, float* rIn0, float* rIn1)
    {
        float* p0 = row0 + 2 * q0, p1 = row1 + 2 * q0;
        var r0a = Avx.LoadVector256(p0);
        var r0b = Avx.LoadVector256(p0 + 8);
        var r1a = Avx.LoadVector256(p1);
        var r1b = Avx.LoadVector256(p1 + 8);
        var nan = Avx.CompareUnordered(r0a, r0b) | Avx.CompareUnordered(r1a, r1b);
        if (!Avx.TestZ(nan, nan))
            return false;
        var a = VectorPairs.Even(r0a, r0b); // tap (0, 0) of windows q0..q0+7
        var b = VectorPairs.Odd(r0a, r0b);  // (0, 1)
        var c = VectorPairs.Even(r1a, r1b); // (1, 0)
        var d = VectorPairs.Odd(r1a, r1b);  // (1, 1)
        // A later tap wins only when strictly greater than the best so far (so -0 vs +0 ties keep the first, too).
        var bWins = Avx.CompareGreaterThan(b, a);
        var m = Avx.BlendVariable(a, b, bWins);
        var cWins = Avx.CompareGreaterThan(c, m);
        m = Avx.BlendVariable(m, c, cWins);
        var dWins = Avx.CompareGreaterThan(d, m);
        if (y != null)
        {
            Avx.Store(y + q0, Avx.BlendVariable(m, d, dWins));
            return true;
        }
        var r = Avx.LoadVector256(rOut + q0);
        var later = cWins | dWins;
        var ra = Avx.AndNot(bWins | later, r);
        var rb = Avx.AndNot(later, bWins & r);
        var rc = Avx.AndNot(dWins, cWins & r);
        var rd = dWins & r;
        Store(VectorPairs.Interleave(ra, rb), rIn0 + 2 * q0);
        Store(VectorPairs.Interleave(rc, rd), rIn1 + 2 * q0);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store((Vector256<float> First, Vector256<float> Second) pair, float* dst)
    {
        Avx.Store(dst, pair.First);
        Avx.Store(dst + 8, pair.Second);
    }
}
