using PrunedLrp.IO;

namespace PrunedLrp.Cli;

/// <summary>FASTA input: one-hot encodes every record (A,C,G,T channels; N and IUPAC codes spread uniformly over their
/// bases) after checking that the model reads one-hot DNA of that length.</summary>
internal static class GenomicsInput
{
    public static (float[] Data, int Batch, IReadOnlyList<FastaRecord> Records) Load(FileInfo file, IReadOnlyList<int> shape)
    {
        if (shape.Count != 2 || shape[0] != 4)
            throw new CliException($"--fasta: the model reads [{string.Join(",", shape)}], not one-hot DNA [4, length]");
        int length = shape[1], size = 4 * length;
        var records = FastaReader.Read(file.FullName);
        if (records.Count == 0)
            throw new CliException($"{file.Name}: no FASTA records");
        var data = new float[checked(records.Count * size)];
        for (int n = 0; n < records.Count; n++)
        {
            var r = records[n];
            if (r.Sequence.Length != length)
                throw new CliException($"{file.Name}: record '{r.Id}' has {r.Sequence.Length} bases, the model reads {length}");
            OneHotDna.Encode(r.Sequence, data.AsSpan(n * size, size), r.Id);
        }
        return (data, records.Count, records);
    }
}
