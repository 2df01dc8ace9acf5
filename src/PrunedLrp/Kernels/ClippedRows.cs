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
    // stem and its downsampling layers): 8 outputs per step from two loads of 16 inputs. Steps whose inputs reach past
    // either end of the row (the padding, and the last step of every row) load only the lanes inside it and store only
    // the outputs asked for: masked lanes are neither read nor written, so they cannot fault or touch a neighbour's row.
    // Before, those outputs ran one by one: all of them for 7-wide output rows (ResNet-50's layer to 7x7), whose
    // shifted planes (0.7 MB) then took as long to build as the 28x28 layer's (2.5 MB).
    static void GatherEven(float* row, int width, int iw, int length, float* d)
    {
        for (int t = 0; t < length; t += 8)
        {
            int first = iw + 2 * t, count = Math.Min(8, length - t);
            if (first >= 0 && first + 16 <= width && count == 8)
            {
                Vector256.Store(VectorPairs.Even(Vector256.Load(row + first), Vector256.Load(row + first + 8)), d + t);
                continue;
            }
            // Lane j of the two loads reads row[first + j] (j < 16): kept where 0 <= first + j < width.
            var low = Vector256.Create(first) + Lanes;
            var high = low + Vector256.Create(8);
            var limit = Vector256.Create(width);
            var lowInside = Vector256.GreaterThanOrEqual(low, Vector256<int>.Zero) & Vector256.LessThan(low, limit);
            var highInside = Vector256.GreaterThanOrEqual(high, Vector256<int>.Zero) & Vector256.LessThan(high, limit);
            var even = VectorPairs.Even(Avx.MaskLoad(row + first, lowInside.AsSingle()), Avx.MaskLoad(row + first + 8, highInside.AsSingle()));
            if (count == 8)
                Vector256.Store(even, d + t);
            else
                Avx.MaskStore(d + t, Vector256.LessThan(Lanes, Vector256.Create(count)).AsSingle(), even);
        }
    }

    static Vector256<int> Lanes => Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

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
