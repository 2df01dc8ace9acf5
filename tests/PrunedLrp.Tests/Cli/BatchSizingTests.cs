using PrunedLrp.Cli;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Cli;

public class BatchSizingTests
{
    static string Data(string model, string file) => ReadmeTests.FindRepoFile(Path.Combine("data", "models", model, file));

    // Input [1, length] -> a 1x1 convolution with one channel -> global average -> flatten: 2 x length + 2 floats of
    // nodes per sample, one weight.
    static Model Conv1(int length)
    {
        var b = new SpecBuilder([1, length], seed: 3);
        b.Conv(1, [1]);
        b.Op(PrunedLrp.Graph.OpKind.GlobalAvgPool, b.Last);
        b.Op(PrunedLrp.Graph.OpKind.Flatten, b.Last);
        return Model.FromSpec(b.Build());
    }

    [Fact]
    public void Auto_FillsTheBudget_UpToSixteen()
    {
        // 4,000,002 floats per sample. Explaining (2 buffers): 268,435,456 B / (8 B x 4,000,002) = 8.39 -> 8.
        // Forward only (1 buffer): 16.8 -> 16 (the cap).
        var model = Conv1(2_000_000);
        Assert.Equal(8, BatchSizing.For(null, model, buffersPerNode: 2));
        Assert.Equal(16, BatchSizing.For(null, model, buffersPerNode: 1));
        // 40,000,002 floats: 268,435,456 / 320,000,016 = 0.84 -> at least 1.
        Assert.Equal(1, BatchSizing.For(null, Conv1(20_000_000), buffersPerNode: 2));
        // The demo's Fashion-MNIST classifier takes a fifth of a megabyte per sample: the cap.
        Assert.Equal(16, BatchSizing.For(null, Model.Load(Data("fashion", "model.plrp")), buffersPerNode: 2));
    }

    [Fact]
    public void Parse_TakesAutoOrAPositiveCount()
    {
        Assert.Null(BatchSizing.Parse(null));
        Assert.Null(BatchSizing.Parse("auto"));
        Assert.Null(BatchSizing.Parse("AUTO"));
        Assert.Equal(3, BatchSizing.Parse("3"));
        Assert.Equal(3, BatchSizing.For(3, Conv1(20_000_000), buffersPerNode: 2)); // a count is taken as given
        foreach (string bad in new[] { "0", "-2", "1.5", "abc", "", " 4", "99999999999" })
        {
            var e = Assert.Throws<CliException>(() => BatchSizing.Parse(bad));
            Assert.Equal($"--batch-size '{bad}': expected auto or a count of at least 1", e.Message);
        }
    }

    [Fact]
    public void BadBatchSize_IsReportedBeforeTheModelLoads()
    {
        // The model path does not exist: the batch size is checked first, so its message is the one reported.
        var (code, _, err) = CommandLine.Plrp("explain", "--model", "missing.plrp", "--input", Data("fashion", "input.npy"),
            "--out", CommandLine.TempFile(".npy"), "--batch-size", "0");
        Assert.Equal(1, code);
        Assert.Contains("--batch-size '0': expected auto or a count of at least 1", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_AutoAndExplicitBatches_WriteTheSameRelevance()
    {
        string input = Data("fashion", "input.npy");
        string model = Data("fashion", "model.plrp");
        var outputs = new List<float[]>();
        foreach (string size in new[] { "auto", "1", "5" })
        {
            string output = CommandLine.TempFile(".npy");
            var (code, _, err) = CommandLine.Plrp("explain", "--model", model, "--input", input, "--out", output, "--batch-size", size);
            Assert.True(code == 0, err);
            outputs.Add(PrunedLrp.IO.NpyFile.Read(output).Data);
        }
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
    }
}
