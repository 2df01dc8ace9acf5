using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Kernels;

/// <summary>
/// The taps of six 3x3 kernels as nine vectors, one kernel a lane: what the Winograd kernel transform reads for a row
/// panel of six output channels, and what the lean mode's flipped kernel panels store (six input channels an entry).
/// Taps 0-7 of each kernel come from one load, turned into tap vectors by the 8 x 8 transpose of the six loads and two
/// zero rows (unpack, shuffle, 128-bit permute); tap 8 from six scalars. Nine AVX2 gathers did the same and were most
/// of the kernel transform's time (perf, lean VGG-16 explains). Reads only the 9 floats of each kernel. Needs AVX.
/// </summary>
internal static unsafe class KernelTaps
{
    /// <summary><c>g[t]</c> = tap t of the six 3x3 kernels at <paramref name="k0"/>..<paramref name="k5"/> (9 consecutive
    /// floats each; taps reversed when <paramref name="flipped"/>), one kernel a lane, lanes 6 and 7 zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(float* k0, float* k1, float* k2, float* k3, float* k4, float* k5, bool flipped, Vector256<float>* g)
    {
        var a0 = Avx.LoadVector256(k0);
        var a1 = Avx.LoadVector256(k1);
        var a2 = Avx.LoadVector256(k2);
        var a3 = Avx.LoadVector256(k3);
        var a4 = Avx.LoadVector256(k4);
        var a5 = Avx.LoadVector256(k5);
        var zero = Vector256<float>.Zero;
        var t0 = Avx.UnpackLow(a0, a1);   // k0[0] k1[0] k0[1] k1[1] | k0[4] k1[4] k0[5] k1[5]
        var t1 = Avx.UnpackHigh(a0, a1);  // k0[2] k1[2] k0[3] k1[3] | k0[6] k1[6] k0[7] k1[7]
        var t2 = Avx.UnpackLow(a2, a3);
        var t3 = Avx.UnpackHigh(a2, a3);
        var t4 = Avx.UnpackLow(a4, a5);
        var t5 = Avx.UnpackHigh(a4, a5);
        var q0 = Avx.Shuffle(t0, t2, 0x44); // k0..k3 [0] | [4]
        var q1 = Avx.Shuffle(t0, t2, 0xEE); // [1] | [5]
        var q2 = Avx.Shuffle(t1, t3, 0x44); // [2] | [6]
        var q3 = Avx.Shuffle(t1, t3, 0xEE); // [3] | [7]
        var u0 = Avx.Shuffle(t4, zero, 0x44); // k4 k5 [0] 0 0 | [4]
        var u1 = Avx.Shuffle(t4, zero, 0xEE);
        var u2 = Avx.Shuffle(t5, zero, 0x44);
        var u3 = Avx.Shuffle(t5, zero, 0xEE);
        var last = Vector256.Create(k0[8], k1[8], k2[8], k3[8], k4[8], k5[8], 0f, 0f);
        int first = flipped ? 8 : 0, step = flipped ? -1 : 1; // memory tap m goes to g[first + step * m]
        g[first] = Avx.Permute2x128(q0, u0, 0x20);
        g[first + step] = Avx.Permute2x128(q1, u1, 0x20);
        g[first + 2 * step] = Avx.Permute2x128(q2, u2, 0x20);
        g[first + 3 * step] = Avx.Permute2x128(q3, u3, 0x20);
        g[first + 4 * step] = Avx.Permute2x128(q0, u0, 0x31);
        g[first + 5 * step] = Avx.Permute2x128(q1, u1, 0x31);
        g[first + 6 * step] = Avx.Permute2x128(q2, u2, 0x31);
        g[first + 7 * step] = Avx.Permute2x128(q3, u3, 0x31);
        g[first + 8 * step] = last;
    }
}
