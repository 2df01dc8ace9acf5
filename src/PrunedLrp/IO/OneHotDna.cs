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

    const int A = 1, C = 2, G = 4, T = 8;

    /// <summary>Whether <paramref name="c"/> is an accepted nucleotide code (either case).</summary>
    public static bool IsValid(char c) => Mask(c) != 0;

    /// <summary>The set of bases (bit c = channel c) that <paramref name="c"/> stands for; 0 = not a nucleotide code.</summary>
    static int Mask(char c) => (char)(c | 0x20) switch // ASCII letters to lower case; nothing else lands on a..z
    {
        'a' => A,
        'c' => C,
        'g' => G,
        't' => T,
        'r' => A | G,
        'y' => C | T,
        's' => C | G,
        'w' => A | T,
        'k' => G | T,
        'm' => A | C,
        'b' => C | G | T,
        'd' => A | G | T,
        'h' => A | C | T,
        'v' => A | C | G,
        'n' => A | C | G | T,
        _ => 0,
    };

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
