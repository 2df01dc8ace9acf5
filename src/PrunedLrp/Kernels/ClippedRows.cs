using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// Reads of one input row at a stride, zero where they fall outside it (a convolution's padding): the row copies of
/// <see cref="ImplicitColumns"/> and <see cref="ShiftedPlanes"/>.
/// </summary>
internal static unsafe class ClippedRows
{
    /// <summary><c>d[t] = row[iw + t*stride]</c> where <c>0 &lt;= iw + t*stride &lt; width</c>, else 0, for t &lt; length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gather(float* row, int width, int iw, int stride, int length, float* d)
    {
        if (stride == 1)
            Copy(row, width, iw, length, d);
        else if (stride == 2 && Avx2.IsSupported)
            GatherEven(row, width, iw, length, d);
        else
            for (int t = 0; t < length; t++, iw += stride)
                d[t] = (uint)iw < (uint)width ? row[iw] : 0f;
    }

    // d[t] = row[iw + 2t] where 0 <= iw + 2t < width, else 0, for t < length (stride-2 convolutions such as ResNet's
    // stem and its downsampling layers): 8 outputs per step from two loads where all 16 inputs lie inside the row.
    static void GatherEven(float* row, int width, int iw, int length, float* d)
    {
        int t = 0;
        for (; t < length && iw + 2 * t < 0; t++) d[t] = 0f;
        for (; t + 8 <= length && iw + 2 * t + 16 <= width; t += 8)
            Vector256.Store(VectorPairs.Even(Vector256.Load(row + iw + 2 * t), Vector256.Load(row + iw + 2 * t + 8)), d + t);
        for (; t < length; t++)
            d[t] = iw + 2 * t < width ? row[iw + 2 * t] : 0f;
    }

    /// <summary><c>d[t] = row[iw + t]</c> where <c>0 &lt;= iw + t &lt; width</c>, else 0, for t &lt; length; 8 at a
    /// time inside the row (rows of 14 or 7 outputs split the 16-column panels into short runs).</summary>
    public static void Copy(float* row, int width, int iw, int length, float* d)
    {
        if (length == GemmBlocking.NR && iw >= 0 && iw + GemmBlocking.NR <= width)
        {
            Vector256.Store(Vector256.Load(row + iw), d);
            Vector256.Store(Vector256.Load(row + iw + 8), d + 8);
            return;
        }
        int t0 = Math.Clamp(-iw, 0, length), t1 = Math.Clamp(width - iw, t0, length);
        int t = 0;
        for (; t < t0; t++) d[t] = 0f;
        for (; t + 8 <= t1; t += 8) Vector256.Store(Vector256.Load(row + iw + t), d + t);
        for (; t < t1; t++) d[t] = row[iw + t];
        for (; t < length; t++) d[t] = 0f;
    }
}
