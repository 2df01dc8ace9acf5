using System.Globalization;

namespace PrunedLrp.IO;

/// <summary>
/// Writes per-position relevance as bedGraph (UCSC): tab-separated <c>chrom start end value</c> with 0-based,
/// half-open coordinates, one line per base (or per run of equal values), chrom = the FASTA record id.
/// Values use the invariant culture, shortest round-trip form.
/// </summary>
public static class BedGraphWriter
{
    /// <summary>Writes the optional UCSC track definition line <c>track type=bedGraph name="..."</c>.</summary>
    public static void WriteTrackLine(TextWriter writer, string name)
    {
        if (name.Contains('"', StringComparison.Ordinal) || name.Contains('\n', StringComparison.Ordinal))
            throw new ArgumentException("track name must not contain quotes or newlines", nameof(name));
        writer.Write("track type=bedGraph name=\"");
        writer.Write(name);
        writer.Write("\"\n");
    }

    /// <summary>Writes <paramref name="values"/> [L] of sequence <paramref name="chrom"/>: line p is
    /// <c>chrom  p  p+1  values[p]</c>; with <paramref name="mergeEqualRuns"/>, consecutive equal values share one line.</summary>
    public static void Write(TextWriter writer, string chrom, ReadOnlySpan<float> values, bool mergeEqualRuns = false)
    {
        if (string.IsNullOrEmpty(chrom) || chrom.AsSpan().IndexOfAny(" \t\r\n") >= 0)
            throw new ArgumentException($"chrom '{chrom}' must be non-empty without whitespace", nameof(chrom));
        int start = 0;
        while (start < values.Length)
        {
            int end = start + 1;
            if (mergeEqualRuns)
                while (end < values.Length && values[end].Equals(values[start]))
                    end++;
            writer.Write(chrom);
            writer.Write('\t');
            writer.Write(start.ToString(CultureInfo.InvariantCulture));
            writer.Write('\t');
            writer.Write(end.ToString(CultureInfo.InvariantCulture));
            writer.Write('\t');
            writer.Write(values[start].ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
            start = end;
        }
    }
}
