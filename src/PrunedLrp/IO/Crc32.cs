namespace PrunedLrp.IO;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF), as used by zip, PNG
/// and the model file. Check value: CRC-32 of the ASCII bytes "123456789" is 0xCBF43926.
/// </summary>
/// <remarks>
/// Folded with 256-bit carry-less multiplies where the CPU has them (<see cref="Crc32Folding"/>), else System.IO.Hashing
/// (managed, 128-bit carry-less multiply on x64): verifying VGG-16's 553 MB model file took about 0.4 s with the
/// hand-written slicing-by-8 tables that System.IO.Hashing replaced, a large share of the model's load time.
/// </remarks>
internal static class Crc32
{
    /// <summary>CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32Folding.IsSupported
        ? ~Crc32Folding.Append(~0u, data)
        : System.IO.Hashing.Crc32.HashToUInt32(data);

    /// <summary>CRC-32 of A followed by <paramref name="data"/>, from <paramref name="crc"/> = CRC-32(A) (0 for an empty
    /// A), so that a file can be checksummed chunk by chunk as it is read.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => Crc32Folding.IsSupported
        ? ~Crc32Folding.Append(~crc, data)
        : Combine(crc, System.IO.Hashing.Crc32.HashToUInt32(data), data.Length);

    /// <summary>
    /// CRC-32 of A followed by B from <paramref name="crcA"/> = CRC-32(A), <paramref name="crcB"/> = CRC-32(B) and B's
    /// length, so that parts of a file can be checksummed on different threads.
    /// </summary>
    /// <remarks>
    /// Without the pre- and post-conditioning (the xor with 0xFFFFFFFF at both ends, which cancel out here), a CRC is
    /// linear over GF(2): the register after A then B is the register after A advanced through |B| zero bytes, xor the
    /// register after B alone. Advancing through n zero bits is a 32x32 bit matrix (one step: shift right, xor the
    /// polynomial when the low bit was set) raised to the n-th power, here by repeated squaring, so the cost is
    /// O(log |B|) matrix products.
    /// </remarks>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        if (lengthB == 0) return crcA;
        Span<uint> step = stackalloc uint[32], power = stackalloc uint[32];
        // The operator of one zero bit: column i is the register that a register with only bit i set becomes.
        step[0] = 0xEDB88320u;
        for (int i = 1; i < 32; i++) step[i] = 1u << (i - 1);
        // Square it three times: the operator of one zero byte (8 bits).
        for (int k = 0; k < 3; k++)
            Square(step, power);
        // crcA advanced through lengthB zero bytes: apply step^(2^j) for each set bit j of lengthB.
        uint advanced = crcA;
        for (long n = lengthB; ; )
        {
            if ((n & 1) != 0) advanced = Times(step, advanced);
            n >>= 1;
            if (n == 0) break;
            Square(step, power);
        }
        return advanced ^ crcB;
    }

    // matrix x vector over GF(2): the xor of the columns whose bit is set in v.
    static uint Times(ReadOnlySpan<uint> matrix, uint v)
    {
        uint sum = 0;
        for (int i = 0; v != 0; i++, v >>= 1)
            if ((v & 1) != 0) sum ^= matrix[i];
        return sum;
    }

    // matrix = matrix x matrix, through `scratch` (32 entries).
    static void Square(Span<uint> matrix, Span<uint> scratch)
    {
        for (int i = 0; i < 32; i++) scratch[i] = Times(matrix, matrix[i]);
        scratch.CopyTo(matrix);
    }

    /// <summary>CRC-32 of <paramref name="first"/> followed by <paramref name="second"/> (a PNG chunk's type and data),
    /// without concatenating them.</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => Append(Compute(first), second);
}
