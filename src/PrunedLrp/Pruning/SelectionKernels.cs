using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Pruning;

/// <summary>
/// The copy and partition passes of <see cref="RelevanceSelection"/> (marking is <see cref="SelectionMarking"/>):
/// Vector256 (AVX2) bodies with scalar tails, and the plain scalar forms, which are the fallback on other hardware and
/// the twins the tests compare against. Sums are in double; vector and scalar forms add in different orders, so sums
/// agree to rounding and everything else exactly.
/// </summary>
internal static class SelectionKernels
{
    const int W = 8; // Vector256<float>.Count

    /// <summary>
    /// Adds the lanes of <paramref name="x"/> (4 floats widened to double) below <paramref name="lo"/> to
    /// <paramref name="below"/> and those in [lo, hi] to <paramref name="middle"/>. The masks are taken in double, on
    /// the exactly widened values, so they equal the float compares. Widening once per vector instead of once per sum
    /// matters because the float-to-double conversions, not memory, bound these passes: on a Zen 5 a pass with six
    /// conversions per 8 entries took 5x as long as <see cref="Compact"/> with two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Split(Vector256<double> x, Vector256<double> lo, Vector256<double> hi, ref Vector256<double> below, ref Vector256<double> middle)
    {
        var lt = Vector256.LessThan(x, lo);
        below += x & lt;
        middle += x & Vector256.AndNot(Vector256.LessThanOrEqual(x, hi), lt);
    }

    /// <summary>Counts <c>v &lt; pivot</c> and <c>v == pivot</c>, and sums <c>v &lt; pivot</c> (one partition step).</summary>
    internal static void Scan(ReadOnlySpan<float> v, float pivot, out int below, out int equal, out double belowSum)
    {
        int i = 0;
        below = 0;
        equal = 0;
        belowSum = 0;
        if (Vector256.IsHardwareAccelerated && v.Length >= W)
        {
            ref float v0 = ref MemoryMarshal.GetReference(v);
            var p = Vector256.Create(pivot);
            var countBelow = Vector256<int>.Zero;
            var countEqual = Vector256<int>.Zero;
            var sum0 = Vector256<double>.Zero;
            var sum1 = Vector256<double>.Zero;
            for (; i <= v.Length - W; i += W)
            {
                var x = Vector256.LoadUnsafe(ref v0, (nuint)i);
                var lt = Vector256.LessThan(x, p);
                // A true lane is all ones = -1 as int: subtracting counts it.
                countBelow -= lt.AsInt32();
                countEqual -= Vector256.Equals(x, p).AsInt32();
                var xl = x & lt;
                sum0 += Vector256.WidenLower(xl);
                sum1 += Vector256.WidenUpper(xl);
            }
            below = Vector256.Sum(countBelow);
            equal = Vector256.Sum(countEqual);
            belowSum = Vector256.Sum(sum0 + sum1);
        }
        ScanScalar(v[i..], pivot, ref below, ref equal, ref belowSum);
    }

    /// <summary>
    /// Counts and sums <c>v &lt; lo</c> and <c>lo &lt;= v &lt;= hi</c> (one bracketing step: the rest is above
    /// <paramref name="hi"/>).
    /// </summary>
    internal static void ScanBracket(ReadOnlySpan<float> v, float lo, float hi, out int below, out double belowSum, out int middle, out double middleSum)
    {
        int i = 0;
        below = 0;
        middle = 0;
        belowSum = 0;
        middleSum = 0;
        if (Vector256.IsHardwareAccelerated && v.Length >= W)
        {
            ref float v0 = ref MemoryMarshal.GetReference(v);
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            var countBelow = Vector256<int>.Zero;
            var countMiddle = Vector256<int>.Zero;
            var below0 = Vector256<double>.Zero;
            var below1 = Vector256<double>.Zero;
            var middle0 = Vector256<double>.Zero;
            var middle1 = Vector256<double>.Zero;
            var dlo = Vector256.Create((double)lo);
            var dhi = Vector256.Create((double)hi);
            for (; i <= v.Length - W; i += W)
            {
                var x = Vector256.LoadUnsafe(ref v0, (nuint)i);
                var lt = Vector256.LessThan(x, vlo);
                var mid = Vector256.AndNot(Vector256.LessThanOrEqual(x, vhi), lt);
                countBelow -= lt.AsInt32();
                countMiddle -= mid.AsInt32();
                var (x0, x1) = Vector256.Widen(x);
                Split(x0, dlo, dhi, ref below0, ref middle0);
                Split(x1, dlo, dhi, ref below1, ref middle1);
            }
            below = Vector256.Sum(countBelow);
            middle = Vector256.Sum(countMiddle);
            belowSum = Vector256.Sum(below0 + below1);
            middleSum = Vector256.Sum(middle0 + middle1);
        }
        ScanBracketScalar(v[i..], lo, hi, ref below, ref belowSum, ref middle, ref middleSum);
    }

    /// <summary>Scalar form of <see cref="ScanBracket"/>, adding to the running results.</summary>
    internal static void ScanBracketScalar(ReadOnlySpan<float> v, float lo, float hi, ref int below, ref double belowSum, ref int middle, ref double middleSum)
    {
        foreach (float x in v)
        {
            if (x < lo)
            {
                below++;
                belowSum += x;
            }
            else if (x <= hi)
            {
                middle++;
                middleSum += x;
            }
        }
    }

    /// <summary>Scalar form of <see cref="Scan"/>, adding to the running results.</summary>
    internal static void ScanScalar(ReadOnlySpan<float> v, float pivot, ref int below, ref int equal, ref double belowSum)
    {
        foreach (float x in v)
        {
            if (x < pivot)
            {
                below++;
                belowSum += x;
            }
            else if (x == pivot)
            {
                equal++;
            }
        }
    }

    /// <summary>
    /// Writes the values the filter keeps, in order, to the front of <paramref name="dst"/> and returns how many, with
    /// their sum. <paramref name="dst"/> may be <paramref name="src"/> itself (in-place compaction): each 8-lane store
    /// lands at or before the lanes just loaded. Requires <c>dst.Length &gt;= src.Length</c>.
    /// </summary>
    internal static int Compact<TFilter>(ReadOnlySpan<float> src, Span<float> dst, TFilter filter, out double sum)
        where TFilter : struct, ISelectionFilter => CompactCore<TFilter, Summed>(src, dst, filter, out sum);

    /// <summary><see cref="Compact"/> without the sum (the search's in-place steps, which know their sums from the scan
    /// before), so without its conversions.</summary>
    internal static int CompactWithoutSum<TFilter>(ReadOnlySpan<float> src, Span<float> dst, TFilter filter)
        where TFilter : struct, ISelectionFilter => CompactCore<TFilter, Unsummed>(src, dst, filter, out _);

    readonly struct Summed;

    readonly struct Unsummed;

    static int CompactCore<TFilter, TSum>(ReadOnlySpan<float> src, Span<float> dst, TFilter filter, out double sum)
        where TFilter : struct, ISelectionFilter where TSum : struct
    {
        if (dst.Length < src.Length)
            throw new ArgumentException("destination shorter than source", nameof(dst));
        int i = 0, count = 0;
        sum = 0;
        if (Avx2.IsSupported && src.Length >= W)
        {
            ref float s0 = ref MemoryMarshal.GetReference(src);
            ref float d0 = ref MemoryMarshal.GetReference(dst);
            ref ulong pack = ref MemoryMarshal.GetArrayDataReference(SelectionTables.PackIndices);
            var sum0 = Vector256<double>.Zero;
            var sum1 = Vector256<double>.Zero;
            for (; i <= src.Length - W; i += W)
            {
                var y = filter.Apply(Vector256.LoadUnsafe(ref s0, (nuint)i), out var keep);
                uint bits = keep.ExtractMostSignificantBits();
                var perm = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.Add(ref pack, bits)).AsByte());
                Avx2.PermuteVar8x32(y, perm).StoreUnsafe(ref d0, (nuint)count);
                count += BitOperations.PopCount(bits);
                if (typeof(TSum) == typeof(Summed))
                {
                    var (kept0, kept1) = Vector256.Widen(y & keep);
                    sum0 += kept0;
                    sum1 += kept1;
                }
            }
            sum = Vector256.Sum(sum0 + sum1);
        }
        for (; i < src.Length; i++)
        {
            if (filter.Apply(src[i], out float y))
            {
                dst[count++] = y;
                sum += y;
            }
        }
        return count;
    }

    /// <summary>Scalar form of <see cref="Compact"/>.</summary>
    internal static int CompactScalar<TFilter>(ReadOnlySpan<float> src, Span<float> dst, TFilter filter, out double sum)
        where TFilter : struct, ISelectionFilter
    {
        int count = 0;
        sum = 0;
        foreach (float x in src)
        {
            if (filter.Apply(x, out float y))
            {
                dst[count++] = y;
                sum += y;
            }
        }
        return count;
    }

    /// <summary>
    /// <c>dst[i] = |r[i]|</c> with NaN read as 0 (the top-k key), and the signed sums of the positive and of the negative
    /// entries of <paramref name="r"/>.
    /// </summary>
    internal static void CopyMagnitudes(ReadOnlySpan<float> r, Span<float> dst, out double positiveSum, out double negativeSum)
    {
        int i = 0;
        positiveSum = 0;
        negativeSum = 0;
        if (Vector256.IsHardwareAccelerated && r.Length >= W)
        {
            ref float r0 = ref MemoryMarshal.GetReference(r);
            ref float d0 = ref MemoryMarshal.GetReference(dst);
            var pos0 = Vector256<double>.Zero;
            var pos1 = Vector256<double>.Zero;
            var neg0 = Vector256<double>.Zero;
            var neg1 = Vector256<double>.Zero;
            for (; i <= r.Length - W; i += W)
            {
                var x = Vector256.LoadUnsafe(ref r0, (nuint)i);
                (Vector256.Abs(x) & Vector256.Equals(x, x)).StoreUnsafe(ref d0, (nuint)i);
                var (x0, x1) = Vector256.Widen(x);
                pos0 += x0 & Vector256.GreaterThan(x0, Vector256<double>.Zero);
                pos1 += x1 & Vector256.GreaterThan(x1, Vector256<double>.Zero);
                neg0 += x0 & Vector256.LessThan(x0, Vector256<double>.Zero);
                neg1 += x1 & Vector256.LessThan(x1, Vector256<double>.Zero);
            }
            positiveSum = Vector256.Sum(pos0 + pos1);
            negativeSum = Vector256.Sum(neg0 + neg1);
        }
        CopyMagnitudesScalar(r[i..], dst[i..], ref positiveSum, ref negativeSum);
    }

    /// <summary>Scalar form of <see cref="CopyMagnitudes"/>, adding to the running sums.</summary>
    internal static void CopyMagnitudesScalar(ReadOnlySpan<float> r, Span<float> dst, ref double positiveSum, ref double negativeSum)
    {
        for (int i = 0; i < r.Length; i++)
        {
            float x = r[i];
            dst[i] = MagnitudeKey(x);
            if (x > 0f)
                positiveSum += x;
            else if (x < 0f)
                negativeSum += x;
        }
    }

    /// <summary>The top-k sort key: <c>|x|</c>, with NaN read as 0 so that it ranks with the zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float MagnitudeKey(float x) => float.IsNaN(x) ? 0f : MathF.Abs(x);
}
