using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

public class FastaReaderTests
{
    static List<FastaRecord> Parse(string text, int max = FastaReader.DefaultMaxRecordLength) =>
        [.. FastaReader.ReadRecords(new StringReader(text), "t.fa", max)];

    static string Error(string text, int max = FastaReader.DefaultMaxRecordLength) =>
        Assert.Throws<InvalidDataException>(() => Parse(text, max)).Message;

    [Fact]
    public void Parses_MultiLineRecords_Descriptions_CrLf_Blanks()
    {
        var r = Parse(">seq1 a motif  \r\nACGT\r\nacgn\r\n\r\n>seq2\nNNRY\n  GT \n>seq3\tx\nA");
        Assert.Equal(3, r.Count);
        Assert.Equal(new FastaRecord("seq1", "ACGTacgn", "a motif"), r[0]);
        Assert.Equal(new FastaRecord("seq2", "NNRYGT", ""), r[1]);
        Assert.Equal(new FastaRecord("seq3", "A", "x"), r[2]);
        Assert.Empty(Parse(""));
        Assert.Empty(Parse("\n\n"));
    }

    [Fact]
    public void InvalidCharacter_NamesRecordPositionAndLine()
    {
        var m = Error(">ok\nAC\n>bad one\nACGT\nAC-T\n");
        Assert.Contains("t.fa", m, StringComparison.Ordinal);
        Assert.Contains("record 'bad'", m, StringComparison.Ordinal);
        Assert.Contains("'-'", m, StringComparison.Ordinal);
        Assert.Contains("position 7", m, StringComparison.Ordinal); // ACGT + AC then '-'
        Assert.Contains("line 5", m, StringComparison.Ordinal);
        Assert.Contains("position 3", Error(">r\nACU\n"), StringComparison.Ordinal);
        Assert.Contains("U+0000", Error(">r\nA\0"), StringComparison.Ordinal);
    }

    [Fact]
    public void StructuralErrors()
    {
        Assert.Contains("before the first '>'", Error("ACGT\n>r\nA\n"), StringComparison.Ordinal);
        Assert.Contains("no id", Error("> desc only\nACGT\n"), StringComparison.Ordinal);
        Assert.Contains("record 'e' (line 1) has no sequence", Error(">e\n>f\nA\n"), StringComparison.Ordinal);
        Assert.Contains("record 'last' (line 3) has no sequence", Error(">f\nA\n>last"), StringComparison.Ordinal);
        Assert.Contains("longer than", Error(">h" + new string('x', 70000) + "\nA"), StringComparison.Ordinal);
    }

    [Fact]
    public void LengthCap_IsEnforced()
    {
        Assert.Equal(5, Parse(">r\nACG\nTA\n", max: 5)[0].Sequence.Length);
        Assert.Contains("record 'r' (line 1) is longer than the limit of 5", Error(">r\nACG\nTAC\n", max: 5), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FromFile_StreamsRecordsLongerThanTheBuffer()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fa-{Guid.NewGuid():N}.fa");
        try
        {
            var rng = new Random(3);
            var seq = new string(Enumerable.Range(0, 200_001).Select(_ => "ACGT"[rng.Next(4)]).ToArray());
            var lines = Enumerable.Range(0, (seq.Length + 59) / 60).Select(i => seq.Substring(i * 60, Math.Min(60, seq.Length - i * 60)));
            File.WriteAllText(path, ">long\n" + string.Join("\n", lines) + "\n>short x\nGATTACA\n");
            var r = FastaReader.Read(path);
            Assert.Equal(2, r.Count);
            Assert.Equal(seq, r[0].Sequence);
            Assert.Equal("GATTACA", r[1].Sequence);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
