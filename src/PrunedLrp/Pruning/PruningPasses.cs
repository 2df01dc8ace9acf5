using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Pruning;

/// <summary>
/// The element-wise passes of a pruning point after the selection: PLRP-λ's rescaling, PLRP-M's 0/1 mask and the
/// double-precision sums of the report, vectorized (as scalar loops they cost PLRP-λ 18% over LRP on VGG-16, whose
/// pruning points hold 15 M entries). Sums add in double, in a different order than a sequential loop.
/// </summary>
internal static unsafe class PruningPasses
{
    /// <summary><c>r[i] = keep[i] ? r[i] * (r[i] &gt; 0 ? lambdaPos : lambdaNeg) : 0</c>; returns the sum of the result.</summary>
    /// <remarks>Large inputs run as two halves on the kernel threads (<see cref="PassHalves"/>). On the Zen 3 of earlier
    /// measurements the halves took longer (ResNet-50: 1.7 -> 3.0 ms per explain); on a Zen 5 they took 3.2-3.5 ms per
    /// explain where one thread took 5.0-6.8 ms, and PLRP-λ / LRP went from 1.11-1.14x to 1.09-1.12x (4 interleaved
    /// rounds, Native AOT).</remarks>
    public static double ScaleKept(Span<float> r, ReadOnlySpan<bool> keep, float lambdaPos, float lambdaNeg)
    {
        if (keep.Length < r.Length) throw new ArgumentException("keep is shorter than r", nameof(keep));
        fixed (float* pr = r)
        fixed (bool* pk = keep)
            return PassHalves.Sum(r.Length, new ScalePass { R = pr, Keep = pk, LambdaPos = lambdaPos, LambdaNeg = lambdaNeg });
    }

    struct ScalePass : IRangePass<double>
    {
        public float* R;
        public bool* Keep;
        public float LambdaPos, LambdaNeg;

        public readonly double Run(int start, int end) =>
            ScaleKeptRange(new Span<float>(R + start, end - start), new ReadOnlySpan<bool>(Keep + start, end - start), LambdaPos, LambdaNeg);
    }

    // The pass over one range (the whole input, or one half).
    static double ScaleKeptRange(Span<float> r, ReadOnlySpan<bool> keep, float lambdaPos, float lambdaNeg)
    {
        int i = 0;
        double sum = 0;
        if (Avx2.IsSupported)
        {
            var sum0 = Vector256<double>.Zero;
            var sum1 = Vector256<double>.Zero;
            var pos = Vector256.Create(lambdaPos);
            var neg = Vector256.Create(lambdaNeg);
            fixed (float* pr = r)
            fixed (bool* pk = keep)
            {
                for (; i + 8 <= r.Length; i += 8)
                {
                    var v = Avx.LoadVector256(pr + i);
                    var scale = Avx.BlendVariable(neg, pos, Avx.CompareGreaterThan(v, Vector256<float>.Zero));
                    var scaled = (v * scale) & Kept(pk + i);
                    Avx.Store(pr + i, scaled);
                    var (lo, hi) = Vector256.Widen(scaled);
                    sum0 += lo;
                    sum1 += hi;
                }
            }
            sum = Vector256.Sum(sum0 + sum1);
        }
        for (; i < r.Length; i++)
        {
            r[i] = keep[i] ? r[i] * (r[i] > 0 ? lambdaPos : lambdaNeg) : 0f;
            sum += r[i];
        }
        return sum;
    }

    /// <summary><c>mask[i] = keep[i] ? 1 : 0</c>.</summary>
    public static void Mask(ReadOnlySpan<bool> keep, Span<float> mask)
    {
        if (keep.Length < mask.Length) throw new ArgumentException("keep is shorter than mask", nameof(keep));
        int i = 0;
        if (Avx2.IsSupported)
        {
            var one = Vector256.Create(1f);
            fixed (float* pm = mask)
            fixed (bool* pk = keep)
            {
                for (; i + 8 <= mask.Length; i += 8)
                    Avx.Store(pm + i, one & Kept(pk + i));
            }
        }
        for (; i < mask.Length; i++)
            mask[i] = keep[i] ? 1f : 0f;
    }

    /// <summary>Writes the ascending indices i with keep[i] into <paramref name="indices"/> and returns how many there
    /// are; 32 flags are tested at a time, so a sparse set costs little more than reading the flags.</summary>
    /// <exception cref="ArgumentException">More entries are kept than <paramref name="indices"/> holds.</exception>
    public static int ListKept(ReadOnlySpan<bool> keep, Span<int> indices)
    {
        int count = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte start = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(keep));
            for (; i + 32 <= keep.Length; i += 32)
            {
                uint bits = ~Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), Vector256<byte>.Zero).ExtractMostSignificantBits();
                while (bits != 0)
                {
                    if (count == indices.Length)
                        throw new ArgumentException($"more than {indices.Length} entries are kept", nameof(indices));
                    indices[count++] = i + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                }
            }
        }
        for (; i < keep.Length; i++)
        {
            if (!keep[i])
                continue;
            if (count == indices.Length)
                throw new ArgumentException($"more than {indices.Length} entries are kept", nameof(indices));
            indices[count++] = i;
        }
        return count;
    }

    /// <summary>The sum of <paramref name="values"/> in double (large inputs as two halves on the kernel threads).</summary>
    public static double Sum(ReadOnlySpan<float> values)
    {
        fixed (float* pv = values)
            return PassHalves.Sum(values.Length, new SumPass { Values = pv });
    }

    struct SumPass : IRangePass<double>
    {
        public float* Values;

        public readonly double Run(int start, int end) => SumRange(new ReadOnlySpan<float>(Values + start, end - start));
    }

    static double SumRange(ReadOnlySpan<float> values)
    {
        var sum0 = Vector256<double>.Zero;
        var sum1 = Vector256<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            for (; i + 8 <= values.Length; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
                sum0 += lo;
                sum1 += hi;
            }
        }
        double sum = Vector256.Sum(sum0 + sum1);
        for (; i < values.Length; i++)
            sum += values[i];
        return sum;
    }

    // All-ones lanes where keep[0..8) is true (bools are stored as bytes 0 / 1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Kept(bool* keep)
    {
        var bytes = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(keep)).AsByte();
        return Vector256.GreaterThan(Avx2.ConvertToVector256Int32(bytes), Vector256<int>.Zero).AsSingle();
    }
}
