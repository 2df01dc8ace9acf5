using System.Globalization;

namespace PrunedLrp.IO;

/// <summary>
/// Writes per-base relevance of FASTA records as a tab-separated table with the header
/// <c>id  position  base  relevance</c>; positions are 1-based, the base is the sequence character as read.
/// </summary>
public static class FastaRelevanceTsvWriter
{
    /// <summary>Writes the header line.</summary>
    public static void WriteHeader(TextWriter writer) => writer.Write("id\tposition\tbase\trelevance\n");

    /// <summary>Writes one line per base of <paramref name="sequence"/> with its <paramref name="relevance"/> [L].</summary>
    public static void Write(TextWriter writer, string id, ReadOnlySpan<char> sequence, ReadOnlySpan<float> relevance)
    {
        if (relevance.Length != sequence.Length)
            throw new ArgumentException($"relevance has {relevance.Length} values, sequence '{id}' has {sequence.Length} bases", nameof(relevance));
        for (int p = 0; p < sequence.Length; p++)
        {
            writer.Write(id);
            writer.Write('\t');
            writer.Write((p + 1).ToString(CultureInfo.InvariantCulture));
            writer.Write('\t');
            writer.Write(sequence[p]);
            writer.Write('\t');
            writer.Write(relevance[p].ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }
}
