using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector256;
using VecU = System.Runtime.Intrinsics.Vector256<ulong>;

namespace PrunedLrp.IO;

/// <summary>
/// The CRC-32 register (<see cref="Crc32"/>'s polynomial, reflected) carried over a buffer by folding it with carry-less
/// multiplication on 256-bit vectors (VPCLMULQDQ), 128 bytes per step in four independent chains.
/// </summary>
/// <remarks>
/// <para>The reflected CRC register after a message M, started from register r, is <c>M'(x) x^32 mod P</c> with M' the
/// message whose first four bytes are xored with r. Folding keeps <c>M'(x) mod P</c> and shortens M': a 128-bit lane X
/// that stands F bits before a later lane is replaced by <c>X_hi (x^(F+64) mod P) + X_lo (x^F mod P)</c> xored into
/// that lane (X_hi the lane's first, higher-degree, 64 bits), each product a carry-less multiply of 64-bit halves.
/// What is left, 16 bytes and a tail of fewer than 16, goes through the byte-wise table.</para>
/// <para>In the bit-reflected layout each byte's bit 0 is its highest-degree coefficient, so a 64-bit half holds
/// <c>x^(63-i)</c> at bit i and a carry-less product of two halves holds <c>x^(126-i)</c> at bit i: one degree short of the
/// 128-bit lane's <c>x^(127-i)</c>, which the constants absorb by being <c>x^(F+63)</c> and <c>x^(F-1)</c> mod P.</para>
/// <para>Why not System.IO.Hashing alone: its CRC-32 ran at 14 GB/s on one core of the test VM (Zen 5, in cache), and
/// checksumming VGG-16's 553 MB model file took about a third of the file's load time.</para>
/// </remarks>
internal static class Crc32Folding
{
    const uint ReflectedPolynomial = 0xEDB88320u;
    const ulong NormalPolynomial = 0x1_04C1_1DB7ul; // x^32 + ..., bit d the coefficient of x^d

    /// <summary>Buffers below this many bytes go byte by byte (the vector set-up is not worth it).</summary>
    public const int MinVectorLength = 256;

    static readonly uint[] s_table = MakeTable();
    static readonly VecU s_fold1024 = Constants(1024); // one lane to the same lane 128 bytes on (the four chains)
    static readonly VecU s_fold256 = Constants(256);   // one vector to the next (joining the chains)
    static readonly Vector128<ulong> s_fold128 = Constants(128).GetLower(); // one lane to the next

    /// <summary>Whether this CPU folds with 256-bit carry-less multiplies (else <see cref="Append"/> runs byte-wise only).</summary>
    public static bool IsSupported => Pclmulqdq.V256.IsSupported && Avx2.IsSupported;

    /// <summary>The register after <paramref name="data"/>, from <paramref name="register"/> (a CRC-32 starts at
    /// 0xFFFFFFFF, and its value is the final register's complement).</summary>
    public static uint Append(uint register, ReadOnlySpan<byte> data)
    {
        if (!IsSupported || data.Length < MinVectorLength)
            return Bytewise(register, data);
        return Folded(register, data);
    }

    /// <summary>The register after <paramref name="data"/> one byte at a time: the plain table-driven CRC.</summary>
    public static uint Bytewise(uint register, ReadOnlySpan<byte> data)
    {
        var table = s_table;
        foreach (byte b in data)
            register = table[(register ^ b) & 0xFF] ^ (register >> 8);
        return register;
    }

    static uint Folded(uint register, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int n = data.Length;
        // The register goes into the first four bytes; from there on it is a register of zero.
        var x0 = Vec.LoadUnsafe(ref start).AsUInt64() ^ Vec.CreateScalar((ulong)register);
        var x1 = Vec.LoadUnsafe(ref start, 32).AsUInt64();
        var x2 = Vec.LoadUnsafe(ref start, 64).AsUInt64();
        var x3 = Vec.LoadUnsafe(ref start, 96).AsUInt64();
        nuint at = 128;
        for (; at + 128 <= (nuint)n; at += 128)
        {
            x0 = Fold(x0, s_fold1024) ^ Vec.LoadUnsafe(ref start, at).AsUInt64();
            x1 = Fold(x1, s_fold1024) ^ Vec.LoadUnsafe(ref start, at + 32).AsUInt64();
            x2 = Fold(x2, s_fold1024) ^ Vec.LoadUnsafe(ref start, at + 64).AsUInt64();
            x3 = Fold(x3, s_fold1024) ^ Vec.LoadUnsafe(ref start, at + 96).AsUInt64();
        }
        x1 ^= Fold(x0, s_fold256);
        x2 ^= Fold(x1, s_fold256);
        x3 ^= Fold(x2, s_fold256);
        var v = Fold(x3.GetLower(), s_fold128) ^ x3.GetUpper();
        for (; at + 16 <= (nuint)n; at += 16)
            v = Fold(v, s_fold128) ^ Vector128.LoadUnsafe(ref start, at).AsUInt64();
        Span<byte> last = stackalloc byte[16];
        v.AsByte().CopyTo(last);
        return Bytewise(Bytewise(0u, last), data[(int)at..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static VecU Fold(VecU x, VecU k) =>
        Pclmulqdq.V256.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.V256.CarrylessMultiply(x, k, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11);

    // Per 128-bit lane: x^(F+63) mod P for the lane's first half, x^(F-1) mod P for its second, bit-reflected into the
    // top of a 64-bit half (see remarks).
    static VecU Constants(int distance)
    {
        ulong high = Reflected(PowerModP(distance + 63)), low = Reflected(PowerModP(distance - 1));
        return Vec.Create(high, low, high, low);
    }

    // x^n mod P, bit d the coefficient of x^d.
    internal static uint PowerModP(int n)
    {
        ulong r = 1;
        for (int i = 0; i < n; i++)
        {
            r <<= 1;
            if ((r & (1ul << 32)) != 0)
                r ^= NormalPolynomial;
        }
        return (uint)r;
    }

    // A polynomial of degree < 32 as a reflected 64-bit half: the coefficient of x^d at bit 63 - d.
    static ulong Reflected(uint polynomial)
    {
        ulong r = 0;
        for (int d = 0; d < 32; d++)
            r |= (ulong)((polynomial >> d) & 1) << (63 - d);
        return r;
    }

    static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
