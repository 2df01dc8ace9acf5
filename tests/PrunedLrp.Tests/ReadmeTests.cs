using PrunedLrp.Composites;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests;

/// <summary>The README's library sample, verbatim, must compile and run; a second test keeps the README in step.</summary>
public class ReadmeTests
{
    static readonly string[] SampleLines =
    [
        "var model = Model.Load(\"model.plrp\");",
        "var explainer = new Explainer(model, NamedComposites.Get(\"epsilon-plus-flat\"));",
        "float[] relevance = explainer.Explain(input);           // input: one sample, flattened C-order",
        "float[] logits = model.Predict(input);",
        "var lean = Model.Load(\"model.plrp\", new ModelOptions { Memory = MemoryMode.Lean }); // keeps only the weights",
    ];

    [Fact]
    public void ReadmeSample_RunsOnAConvertedModel()
    {
        string path = CommandLine.ConvertedModel(Path.Combine(FixtureCases.Root("zennit"), "cnn2d_b", "model.onnx"));
        float[] input = PrunedLrp.IO.NpyFile.Read(Path.Combine(FixtureCases.Root("zennit"), "cnn2d_b", "input.npy")).Data[..64];

        // The README sample (model path substituted):
        var model = Model.Load(path);
        var explainer = new Explainer(model, NamedComposites.Get("epsilon-plus-flat"));
        float[] relevance = explainer.Explain(input);           // input: one sample, flattened C-order
        float[] logits = model.Predict(input);
        var lean = Model.Load(path, new ModelOptions { Memory = MemoryMode.Lean }); // keeps only the weights

        Assert.Equal(input.Length, relevance.Length);
        Assert.Equal(model.OutputSize, logits.Length);
        Assert.Contains(relevance, v => v != 0);
        Assert.Equal(MemoryMode.Lean, lean.Options.Memory);
        Assert.Equal(logits, lean.Predict(input), (a, b) => Math.Abs(a - b) <= 1e-4f * (1 + Math.Abs(b)));
    }

    [Fact]
    public void Readme_ContainsTheTestedSampleAndCommands()
    {
        string readme = File.ReadAllText(FindRepoFile("README.md"));
        foreach (string line in SampleLines)
            Assert.Contains(line, readme, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/PrunedLrp.Cli -c Release -- demo", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet test -c Release", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet test -c Release", File.ReadAllText(FindRepoFile(".ci/run")), StringComparison.Ordinal);
    }

    internal static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "PrunedLrp.Managed.sln")))
                return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
