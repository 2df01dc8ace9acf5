using PrunedLrp.IO;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Cli;

/// <summary>The plrp command as a user meets it: the demo, help texts, and one-line errors for bad input.</summary>
public class CliTests
{
    static string Data(string model, string file) => ReadmeTests.FindRepoFile(Path.Combine("data", "models", model, file));

    [Fact]
    public void Demo_WritesFiguresAndSummary()
    {
        string dir = Path.Combine(Path.GetTempPath(), "plrp-tests", Guid.NewGuid().ToString("N"));
        var (code, output, err) = CommandLine.Plrp("demo", "--out", dir, "--samples", "2");
        Assert.True(code == 0, err);
        var pngs = Directory.GetFiles(dir, "*.png");
        Assert.Equal(4, pngs.Length);
        foreach (string png in pngs)
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.Contains("| PLRP-λ |", summary, StringComparison.Ordinal);
        Assert.Contains("| PLRP-M |", summary, StringComparison.Ordinal);
        Assert.Contains(dir, output, StringComparison.Ordinal);
    }

    /// <summary>Whether /proc/cpuinfo lists <paramref name="flag"/> for the first CPU; null where there is no such file.</summary>
    internal static bool? CpuInfoFlag(string flag)
    {
        if (!File.Exists("/proc/cpuinfo"))
            return null;
        string? flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        return flags?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag);
    }

    // `plrp bench --json` on the Fashion-MNIST model with `args`, parsed.
    static System.Text.Json.JsonElement BenchJson(params string[] args)
    {
        var (code, output, err) = CommandLine.Plrp(["bench", "--model", Data("fashion", "model.plrp"), .. args, "--json"]);
        Assert.True(code == 0, err);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }

    [Fact]
    public void Bench_Json_HasTimingsAndRuntimeState()
    {
        var root = BenchJson("--runs", "3", "--warmup", "1");
        foreach (string task in new[] { "Forward", "Explain" })
        {
            var t = root.GetProperty(task);
            double min = t.GetProperty("MinMs").GetDouble(), median = t.GetProperty("MedianMs").GetDouble(), max = t.GetProperty("MaxMs").GetDouble();
            Assert.True(min > 0 && min <= median && median <= max, $"{task}: {min} {median} {max}");
        }
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, root.GetProperty("Avx2").GetBoolean());
        Assert.Equal(System.Runtime.Intrinsics.X86.Fma.IsSupported, root.GetProperty("Fma").GetBoolean());
        Assert.False(root.GetProperty("Aot").GetBoolean()); // the tests run the command in this JIT process
        Assert.Equal(PrunedLrp.Kernels.Gemm.UsesAvx512, root.GetProperty("Avx512").GetBoolean());
        if (CpuInfoFlag("avx512f") is bool avx512) // what the kernel reports, against the CLI's own CPUID query
            Assert.Equal(avx512, root.GetProperty("CpuAvx512").GetBoolean());
        Assert.Equal("epsilon-plus-flat", root.GetProperty("Composite").GetString());
        Assert.Equal("fast", root.GetProperty("Memory").GetString());
        // The test host's own peak counts too (the command runs in-process), so only a lower bound holds.
        Assert.True(root.GetProperty("PeakMemoryMB").GetInt64() > 0);
        // The load and the first calls, which the medians leave out (the first calls here are warm-up calls).
        foreach (string first in new[] { "LoadMs", "FirstForwardMs", "FirstExplainMs" })
            Assert.True(root.GetProperty(first).GetDouble() > 0, first);
    }

    [Fact]
    public void Bench_WithoutWarmUp_TheFirstCallIsTheFirstRun()
    {
        var root = BenchJson("--runs", "1", "--warmup", "0", "--prune", "m", "--sparsity", "0.9", "--vs-lrp");
        Assert.Equal(root.GetProperty("Forward").GetProperty("MedianMs").GetDouble(), root.GetProperty("FirstForwardMs").GetDouble());
        Assert.Equal(root.GetProperty("Explain").GetProperty("MedianMs").GetDouble(), root.GetProperty("FirstExplainMs").GetDouble());

        var (textCode, text, textErr) = CommandLine.Plrp("bench", "--model", Data("fashion", "model.plrp"), "--runs", "2", "--forward-only");
        Assert.True(textCode == 0, textErr);
        Assert.Matches(@"not in the medians: model load \d+ ms, first forward \d+ ms \(the first calls make the fast mode's weight forms\)", text);
        Assert.DoesNotContain("first explain", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LeanMemory_PredictAndExplainAgreeWithFast()
    {
        // The lean mode runs other kernels (direct sums packed from the weights, no Winograd, no kept-entry products),
        // so it agrees with the fast mode to rounding, not bit for bit.
        string model = Data("fashion", "model.plrp"), input = Data("fashion", "input.npy");
        foreach (var (command, extra) in new[] { ("predict", Array.Empty<string>()), ("explain", ["--prune", "m", "--sparsity", "0.9"]) })
        {
            var outputs = new Dictionary<string, float[]>();
            foreach (string memory in new[] { "fast", "lean" })
            {
                string output = CommandLine.TempFile(".npy");
                var (code, _, err) = CommandLine.Plrp([command, "--model", model, "--input", input, "--out", output, "--memory", memory, .. extra]);
                Assert.True(code == 0, err);
                outputs[memory] = NpyFile.Read(output).Data;
            }
            double error = Compare.RelativeMaxError(outputs["lean"], Array.ConvertAll(outputs["fast"], v => (double)v));
            Assert.True(error <= 1e-4, $"{command}: lean vs fast relative max error {error:E2}");
        }
        var (benchCode, json, benchErr) = CommandLine.Plrp("bench", "--model", model, "--runs", "1", "--warmup", "0", "--memory", "lean", "--json");
        Assert.True(benchCode == 0, benchErr);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("lean", document.RootElement.GetProperty("Memory").GetString());
    }

    [Theory]
    [InlineData(1, "lean")]
    [InlineData(8, "lean")]
    [InlineData(9, "fast")]
    [InlineData(16, "fast")]
    public void Explain_AutoMemory_PicksLeanForShortRuns(int samples, string expected)
    {
        // auto decides from the number of samples, says so on stderr, and then gives exactly what the chosen mode gives.
        var all = NpyFile.Read(Data("fashion", "input.npy"));
        int size = all.Data.Length / all.Shape[0];
        string input = CommandLine.TempFile(".npy");
        NpyFile.Write(input, all.Data.AsSpan(0, samples * size), [samples, .. all.Shape.AsSpan(1)]);
        string model = Data("fashion", "model.plrp");
        string auto = CommandLine.TempFile(".npy"), chosen = CommandLine.TempFile(".npy");
        var (code, _, err) = CommandLine.Plrp("explain", "--model", model, "--input", input, "--out", auto);
        Assert.True(code == 0, err);
        string plural = samples == 1 ? "" : "s";
        Assert.Contains($"memory: {expected} (auto, {samples} sample{plural};", err, StringComparison.Ordinal);
        (code, _, err) = CommandLine.Plrp("explain", "--model", model, "--input", input, "--out", chosen, "--memory", expected);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("memory:", err, StringComparison.Ordinal);
        Assert.Equal(NpyFile.Read(chosen).Data, NpyFile.Read(auto).Data);
    }

    [Theory]
    [InlineData("predict", "fast or lean")]
    [InlineData("explain", "auto, fast or lean")] // only explain knows its run's length before preparing the model
    public void UnknownMemoryMode_IsReported(string command, string expected)
    {
        var (code, _, err) = CommandLine.Plrp(command, "--model", Data("fashion", "model.plrp"), "--input", Data("fashion", "input.npy"),
            "--out", CommandLine.TempFile(".npy"), "--memory", "small");
        Assert.Equal(1, code);
        Assert.Contains($"--memory 'small': expected {expected}", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_VsLrp_TimesBothAndReportsTheirRatio()
    {
        var root = BenchJson("--runs", "3", "--warmup", "1", "--prune", "m", "--sparsity", "0.9", "--vs-lrp");
        double pruned = root.GetProperty("Explain").GetProperty("MedianMs").GetDouble();
        double plain = root.GetProperty("LrpExplain").GetProperty("MedianMs").GetDouble();
        double ratio = root.GetProperty("PrunedOverLrp").GetDouble();
        Assert.True(pruned > 0 && plain > 0 && ratio > 0, $"{pruned} {plain} {ratio}");
        // The median of per-pair ratios lies between the smallest and largest pair ratio, so within the spreads' bounds.
        double lowest = root.GetProperty("Explain").GetProperty("MinMs").GetDouble() / root.GetProperty("LrpExplain").GetProperty("MaxMs").GetDouble();
        double highest = root.GetProperty("Explain").GetProperty("MaxMs").GetDouble() / root.GetProperty("LrpExplain").GetProperty("MinMs").GetDouble();
        Assert.InRange(ratio, lowest, highest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--prune none")]
    [InlineData("--prune lambda --forward-only")]
    public void Bench_VsLrp_WithoutPruning_IsAnError(string extra)
    {
        var (code, _, err) = CommandLine.Plrp(["bench", "--model", Data("fashion", "model.plrp"), "--runs", "1", "--vs-lrp",
            .. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.Equal(1, code);
        Assert.Contains("--vs-lrp", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explain", new[] { "--model", "--memory", "--input", "--fasta", "--out", "--composite", "--target", "--prune", "--sparsity", "--sparsity-neg", "--select", "--topk", "--prune-input", "--layers-out", "--heatmap", "--tsv", "--bedgraph", "--rule" })]
    [InlineData("evaluate", new[] { "--model", "--memory", "--input", "--mask", "--sparsity", "--steps", "--baseline", "--out" })]
    [InlineData("predict", new[] { "--model", "--memory", "--input", "--out" })]
    [InlineData("demo", new[] { "--out", "--sparsity" })]
    [InlineData("bench", new[] { "--model", "--memory", "--batch", "--runs", "--warmup", "--json", "--forward-only", "--vs-lrp" })]
    [InlineData("inspect", new[] { "--model" })]
    public void Help_ListsEveryOption(string command, string[] options)
    {
        var (code, output, _) = CommandLine.Plrp(command, "--help");
        Assert.Equal(0, code);
        foreach (string option in options)
            Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptModel_IsOneLineErrorNamingTheFile()
    {
        string path = CommandLine.TempFile(".plrp");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var (code, output, err) = CommandLine.Plrp("predict", "--model", path, "--input", Data("fashion", "input.npy"), "--out", CommandLine.TempFile(".npy"));
        Assert.Equal(1, code);
        Assert.Contains(Path.GetFileName(path), err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void WrongInputShape_IsReported()
    {
        var (code, _, err) = CommandLine.Plrp("explain", "--model", Data("genomics", "model.plrp"), "--input", Data("fashion", "input.npy"), "--out", CommandLine.TempFile(".npy"));
        Assert.Equal(1, code);
        Assert.Contains("does not fit the model input [N,4,200]", err, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetOutOfRange_IsReported()
    {
        var (code, _, err) = CommandLine.Plrp("explain", "--model", Data("genomics", "model.plrp"), "--input", Data("genomics", "input.npy"), "--out", CommandLine.TempFile(".npy"), "--target", "7");
        Assert.Equal(1, code);
        Assert.Contains("class 7 is out of range", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Fasta_InvalidCharacterNamesRecordAndPosition()
    {
        string fa = CommandLine.TempFile(".fa");
        File.WriteAllText(fa, ">good\n" + new string('A', 200) + "\n>bad\n" + new string('C', 10) + "Z" + new string('G', 189) + "\n");
        var (code, _, err) = CommandLine.Plrp("explain", "--model", Data("genomics", "model.plrp"), "--fasta", fa, "--tsv", CommandLine.TempFile(".tsv"));
        Assert.Equal(1, code);
        Assert.Contains("'bad'", err, StringComparison.Ordinal);
        Assert.Contains("position 11", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Fasta_WritesTsvAndBedGraphMatchingTheNpyRelevance()
    {
        string fa = Data("genomics", "sequences.fa");
        string tsv = CommandLine.TempFile(".tsv"), bed = CommandLine.TempFile(".bedgraph"), npy = CommandLine.TempFile(".npy");
        var (code, _, err) = CommandLine.Plrp("explain", "--model", Data("genomics", "model.plrp"), "--fasta", fa, "--tsv", tsv, "--bedgraph", bed, "--out", npy);
        Assert.True(code == 0, err);
        var r = NpyFile.Read(npy);
        Assert.Equal([128, 4, 200], r.Shape);
        var tsvLines = File.ReadAllLines(tsv);
        Assert.Equal(1 + 128 * 200, tsvLines.Length);
        // Line of sample 0, position 5 (1-based) holds the sum over the 4 channels there.
        var fields = tsvLines[5].Split('\t');
        Assert.Equal("5", fields[1]);
        double expected = Enumerable.Range(0, 4).Sum(c => (double)r.Data[c * 200 + 4]);
        Assert.Equal(expected, double.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.StartsWith("track type=bedGraph", File.ReadLines(bed).First(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PrintsOneRowPerMethodAndLevel()
    {
        string out1 = CommandLine.TempFile(".tsv");
        var (code, output, err) = CommandLine.Plrp("evaluate", "--model", Data("genomics", "model.plrp"), "--input", Data("genomics", "input.npy"),
            "--mask", Data("genomics", "mask.npy"), "--samples", "4", "--sparsity", "0,0.5", "--out", out1);
        Assert.True(code == 0, err);
        Assert.Contains("| LRP | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| PLRP-λ | 0.5 |", output, StringComparison.Ordinal);
        Assert.Contains("| PLRP-M | 0.5 |", output, StringComparison.Ordinal);
        Assert.Contains("gini", File.ReadAllText(out1), StringComparison.Ordinal);
    }
}
