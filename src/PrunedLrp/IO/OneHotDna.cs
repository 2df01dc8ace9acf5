namespace PrunedLrp.IO;

/// <summary>
/// One-hot encoding of DNA as a [4, L] channel-first array with channel order A, C, G, T:
/// <c>dst[c * L + p]</c> is the weight of base c at position p.
/// </summary>
/// <remarks>
/// A, C, G, T give a one-hot column. Ambiguous IUPAC codes spread the weight uniformly over the bases they stand for,
/// so every column sums to 1: N = any (0.25 each), R = A/G, Y = C/T, S = C/G, W = A/T, K = G/T, M = A/C (0.5 each),
/// B = C/G/T, D = A/G/T, H = A/C/T, V = A/C/G (1/3 each). N's 0.25 column equals the baseline region perturbation uses
/// for DNA. Lower case (soft-masked) bases encode like upper case. Anything else (U, gaps '-', '.', '*', digits) is
/// rejected with an <see cref="InvalidDataException"/> naming the record and the 1-based position.
/// </remarks>
public static class OneHotDna
{
    /// <summary>Bases in channel order.</summary>
    public const string Alphabet = "ACGT";

    // bit mask of the bases (A = 1, C = 2, G = 4, T = 8) each upper-case letter stands for; 0 = invalid
    static ReadOnlySpan<byte> Masks =>
    [
        //A  B   C  D   E  F  G  H   I  J  K   L  M  N   O  P  Q  R  S  T  U  V   W  X  Y   Z
        1, 14, 2, 13, 0, 0, 4, 11, 0, 0, 12, 0, 3, 15, 0, 0, 0, 5, 6, 8, 0, 7, 9, 0, 10, 0,
    ];

    /// <summary>Whether <paramref name="c"/> is an accepted nucleotide code (either case).</summary>
    public static bool IsValid(char c) => Mask(c) != 0;

    static int Mask(char c)
    {
        int u = c & ~0x20; // ASCII upper case; non-letters map outside A..Z or to masks of 0
        if ((uint)(c - 'A') > 'z' - 'A' || (uint)(u - 'A') >= 26)
            return 0;
        return Masks[u - 'A'];
    }

    /// <summary>Encodes <paramref name="sequence"/> into <paramref name="dst"/> [4, L] (L = sequence length).</summary>
    /// <exception cref="InvalidDataException">A character is not a nucleotide code; the message names
    /// <paramref name="recordId"/> and the 1-based position.</exception>
    public static void Encode(ReadOnlySpan<char> sequence, Span<float> dst /* [4, L] */, string recordId = "sequence")
    {
        int length = sequence.Length;
        if (dst.Length != 4L * length)
            throw new ArgumentException($"dst has {dst.Length} values, want 4 x {length}", nameof(dst));
        for (int p = 0; p < length; p++)
        {
            int mask = Mask(sequence[p]);
            if (mask == 0)
                throw new InvalidDataException(
                    $"record '{recordId}' has an invalid character '{sequence[p]}' at position {p + 1}; want A, C, G, T, N or an IUPAC nucleotide code");
            float w = 1f / int.PopCount(mask);
            for (int c = 0; c < 4; c++)
                dst[c * length + p] = (mask & (1 << c)) != 0 ? w : 0f;
        }
    }

    /// <summary>Encodes <paramref name="record"/> into a new [4, L] array.</summary>
    public static float[] Encode(FastaRecord record)
    {
        var dst = new float[4 * record.Sequence.Length];
        Encode(record.Sequence, dst, record.Id);
        return dst;
    }
}
