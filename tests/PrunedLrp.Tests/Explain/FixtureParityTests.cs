using PrunedLrp.IO;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>
/// Every reference relevance of the fixture sets (Zennit 0.5.1 composites, and Pruned LRP from an independent
/// reference of REFERENCE.md), through plrp-convert and plrp explain exactly as a user runs them; also the forward
/// logits against PyTorch's.
/// </summary>
public class FixtureParityTests
{
    // Every run in both memory modes: the lean one packs the (modified) weights at every product and runs no Winograd.
    public static TheoryData<string, string, string, string> Runs()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var run in FixtureCases.Runs())
            foreach (string memory in new[] { "fast", "lean" })
                data.Add(run.Set, run.Model, run.Name, memory);
        return data;
    }

    public static TheoryData<string, string> ModelsOfAllSets()
    {
        var data = new TheoryData<string, string>();
        foreach (string set in FixtureCases.Sets)
            foreach (var c in FixtureCases.Models(set))
                data.Add(set, c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Explain_MatchesReference(string set, string model, string name, string memory)
    {
        var run = FixtureCases.Runs().Single(r => r.Set == set && r.Model == model && r.Name == name);
        string dir = Path.Combine(FixtureCases.Root(set), model);
        string plrp = CommandLine.ConvertedModel(Path.Combine(dir, "model.onnx"));
        string output = CommandLine.TempFile(".npy");
        var (code, _, err) = CommandLine.Plrp(["explain", "--model", plrp, "--memory", memory, "--input", Path.Combine(dir, "input.npy"), "--out", output, .. run.Args]);
        Assert.True(code == 0, err);
        var got = NpyFile.Read(output);
        var want = NpyFile.Read(Path.Combine(dir, name + ".npy"));
        Assert.Equal(want.Shape, got.Shape);
        double err2 = Compare.RelativeMaxError(got.Data, Array.ConvertAll(want.Data, v => (double)v));
        Assert.True(err2 <= run.Tolerance, $"{set}/{model}/{name} ({memory}): relative max error {err2:E2} > {run.Tolerance:E0}");
        Assert.All(got.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(ModelsOfAllSets))]
    public void Predict_MatchesPyTorchLogits(string set, string model)
    {
        string dir = Path.Combine(FixtureCases.Root(set), model);
        string plrp = CommandLine.ConvertedModel(Path.Combine(dir, "model.onnx"));
        string output = CommandLine.TempFile(".npy");
        var (code, _, err) = CommandLine.Plrp("predict", "--model", plrp, "--input", Path.Combine(dir, "input.npy"), "--out", output);
        Assert.True(code == 0, err);
        var got = NpyFile.Read(output);
        var want = NpyFile.Read(Path.Combine(dir, "logits.npy"));
        Assert.Equal(want.Shape, got.Shape);
        double error = Compare.RelativeMaxError(got.Data, Array.ConvertAll(want.Data, v => (double)v));
        Assert.True(error <= 1e-4, $"{set}/{model}: logits relative max error {error:E2}");
    }
}
