using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

public class BedGraphWriterTests
{
    [Fact]
    public void Write_OneLinePerBase_ZeroBasedHalfOpen()
    {
        var w = new StringWriter();
        BedGraphWriter.WriteTrackLine(w, "relevance");
        BedGraphWriter.Write(w, "seq1", [0.5f, -1.25f, 0f]);
        Assert.Equal("track type=bedGraph name=\"relevance\"\nseq1\t0\t1\t0.5\nseq1\t1\t2\t-1.25\nseq1\t2\t3\t0\n", w.ToString());
    }

    [Fact]
    public void Write_MergesEqualRuns()
    {
        var w = new StringWriter();
        BedGraphWriter.Write(w, "s", [0f, 0f, 0f, 1e-7f, 2f, 2f], mergeEqualRuns: true);
        Assert.Equal("s\t0\t3\t0\ns\t3\t4\t1E-07\ns\t4\t6\t2\n", w.ToString());
    }

    [Fact]
    public void Write_RejectsBadNames()
    {
        Assert.Throws<ArgumentException>(() => BedGraphWriter.Write(new StringWriter(), "a b", [1f]));
        Assert.Throws<ArgumentException>(() => BedGraphWriter.Write(new StringWriter(), "", [1f]));
        Assert.Throws<ArgumentException>(() => BedGraphWriter.WriteTrackLine(new StringWriter(), "a\"b"));
    }

    [Fact]
    public void PerBaseTsv_OneBasedPositions()
    {
        var w = new StringWriter();
        FastaRelevanceTsvWriter.WriteHeader(w);
        FastaRelevanceTsvWriter.Write(w, "r1", "AcN", [0.25f, -2f, 3.5f]);
        Assert.Equal("id\tposition\tbase\trelevance\nr1\t1\tA\t0.25\nr1\t2\tc\t-2\nr1\t3\tN\t3.5\n", w.ToString());
        Assert.Throws<ArgumentException>(() => FastaRelevanceTsvWriter.Write(w, "r1", "AC", [1f]));
    }
}
