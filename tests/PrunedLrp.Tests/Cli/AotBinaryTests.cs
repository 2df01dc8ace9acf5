using System.Diagnostics;
using PrunedLrp.IO;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Cli;

/// <summary>The published Native-AOT plrp: AVX2/FMA on, the demo runs, relevance matches Zennit, startup is fast.</summary>
public class AotBinaryTests
{
    static (int Code, string Out, string Err, double Ms) Run(params string[] args) => RunWith(null, args);

    // avx512: the value of PRUNEDLRP_AVX512 for the run ("0" keeps the default binary's AVX2 code), null: unset.
    static (int Code, string Out, string Err, double Ms) RunWith(string? avx512, params string[] args) =>
        RunBinary(AotFactAttribute.AotBinary!, [("PRUNEDLRP_AVX512", avx512)], args);

    // One of the published binaries with the environment changed by `variables` (a null value unsets one).
    static (int Code, string Out, string Err, double Ms) RunBinary(string binary, (string Name, string? Value)[] variables, params string[] args)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in variables)
        {
            info.Environment.Remove(name);
            if (value is not null)
                info.Environment[name] = value;
        }
        foreach (string a in args)
            info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error, clock.Elapsed.TotalMilliseconds);
    }

    [AotFact]
    public void Aot_KeepsAvx2AndFma()
    {
        string model = ReadmeTests.FindRepoFile(Path.Combine("data", "models", "fashion", "model.plrp"));
        var (code, output, err, _) = Run("bench", "--model", model, "--runs", "3", "--warmup", "1");
        Assert.True(code == 0, err);
        Assert.Contains("AVX2 True, FMA True, AOT True", output, StringComparison.Ordinal);
        // The default build targets x86-64-v3 and never runs the AVX-512 tile; it says so where the CPU has AVX-512. An
        // x86-64-v4 build runs the tile, which it can only do on such a CPU, and then has nothing to point to.
        bool tile = output.Contains("AVX-512 tile True", StringComparison.Ordinal);
        Assert.True(tile || output.Contains("AVX-512 tile False", StringComparison.Ordinal), output);
        bool note = output.Contains("note: this CPU has AVX-512", StringComparison.Ordinal);
        if (CliTests.CpuInfoFlag("avx512f") is bool avx512)
        {
            Assert.True(avx512 || !tile, "the AVX-512 tile ran on a CPU without AVX-512");
            Assert.Equal(avx512 && !tile, note);
        }
    }

    [AotFact]
    public void Aot_HandsOverToTheAvx512BuildOnlyWhereTheCpuHasIt()
    {
        // The publish writes the x86-64-v4 companion beside the default binary (PublishAvx512Companion in the CLI's
        // project file); the default binary starts it in its place where the kernel reports every subset it needs.
        string companion = Path.Combine(Path.GetDirectoryName(AotFactAttribute.AotBinary)!, "avx512", "plrp");
        Assert.True(File.Exists(companion), $"no AVX-512 companion at {companion}");
        string model = ReadmeTests.FindRepoFile(Path.Combine("data", "models", "fashion", "model.plrp"));
        bool? cpuHasV4 = Avx512HandOverTests.KernelReportsX8664V4();
        var (code, output, err, _) = RunWith(null, "bench", "--model", model, "--runs", "2", "--warmup", "1");
        Assert.True(code == 0, err);
        if (cpuHasV4 is bool v4)
            Assert.Contains(v4 ? "AVX-512 tile True" : "AVX-512 tile False", output, StringComparison.Ordinal);
        Assert.DoesNotContain("could not start the AVX-512 build", err, StringComparison.Ordinal);
        // PRUNEDLRP_AVX512=0 keeps the default binary's own AVX2 code, and it does not point to AVX-512 then.
        (code, output, err, _) = RunWith("0", "bench", "--model", model, "--runs", "2", "--warmup", "1");
        Assert.True(code == 0, err);
        Assert.Contains("AVX2 True, FMA True, AOT True, AVX-512 tile False", output, StringComparison.Ordinal);
        Assert.DoesNotContain("note: this CPU has AVX-512", output, StringComparison.Ordinal);
        // Arguments, usage name and exit code pass through the hand-over: a missing required option exits with 1.
        (code, _, err, _) = RunWith(null, "predict", "--model", model);
        Assert.Equal(1, code);
        Assert.Contains("Option '--input' is required.", err, StringComparison.Ordinal);
    }

    [AotFact]
    public void Aot_CompanionOfAnotherBuild_StartsTheDefaultBinaryAgain()
    {
        // As after one of the two files was replaced: the companion, handed over to by a binary of another build, starts
        // that binary again with its own AVX2 code, so that the build the user started is the one that runs.
        string main = AotFactAttribute.AotBinary!;
        string companion = Path.Combine(Path.GetDirectoryName(main)!, "avx512", "plrp");
        string model = ReadmeTests.FindRepoFile(Path.Combine("data", "models", "fashion", "model.plrp"));
        (string, string?)[] otherBuild = [("PRUNEDLRP_AVX512", null), ("PRUNEDLRP_HANDOVER_FROM", main), ("PRUNEDLRP_HANDOVER_BUILD", "0.0.0+another")];
        var (code, output, err, _) = RunBinary(companion, otherBuild, "bench", "--model", model, "--runs", "2", "--warmup", "1");
        if (Avx512HandOverTests.KernelReportsX8664V4() is false)
        {
            // Without AVX-512 the companion does not start at all (the runtime checks its instruction sets first),
            // which is why the default binary never hands over on such CPUs.
            Assert.NotEqual(0, code);
            return;
        }
        Assert.True(code == 0, err);
        Assert.Contains("AVX-512 tile False", output, StringComparison.Ordinal);
        Assert.Contains("but " + main + " is build 0.0.0+another: running " + main + " with its own AVX2 code", err, StringComparison.Ordinal);
        // Handed over to by its own build, it runs itself.
        (code, output, err, _) = RunBinary(companion, [("PRUNEDLRP_AVX512", null), ("PRUNEDLRP_HANDOVER_FROM", main)], "bench", "--model", model, "--runs", "2", "--warmup", "1");
        Assert.True(code == 0, err);
        Assert.Contains("AVX-512 tile True", output, StringComparison.Ordinal);
    }

    [AotFact]
    public void Aot_DemoRuns()
    {
        string dir = Path.Combine(Path.GetTempPath(), "plrp-tests", "aot-demo-" + Guid.NewGuid().ToString("N"));
        var (code, _, err, _) = Run("demo", "--out", dir);
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(dir, "summary.md")));
        Assert.Equal(8, Directory.GetFiles(dir, "*.png").Length);
    }

    [AotFact]
    public void Aot_ExplainMatchesZennit()
    {
        string dir = Path.Combine(FixtureCases.Root("zennit"), "resnet_bottleneck");
        string model = CommandLine.ConvertedModel(Path.Combine(dir, "model.onnx"));
        var want = NpyFile.Read(Path.Combine(dir, "epsilon-gamma-box.npy"));
        // Both builds of the publish: the default binary's own AVX2 code, and whatever it runs by default (the AVX-512
        // companion on a CPU with AVX-512).
        foreach (string? avx512 in new[] { "0", null })
        {
            string output = CommandLine.TempFile(".npy");
            var (code, _, err, _) = RunWith(avx512, "explain", "--model", model, "--input", Path.Combine(dir, "input.npy"), "--out", output,
                "--composite", "epsilon-gamma-box", "--low", "-1", "--high", "1");
            Assert.True(code == 0, err);
            var got = NpyFile.Read(output);
            double error = Compare.RelativeMaxError(got.Data, Array.ConvertAll(want.Data, v => (double)v));
            Assert.True(error <= 1e-3, $"PRUNEDLRP_AVX512={avx512 ?? "(unset)"}: relative max error {error:E2}");
        }
    }

    [AotFact]
    public void Aot_PredictStartsFast()
    {
        string dir = Path.Combine(FixtureCases.Root("zennit"), "mlp_bn");
        string model = CommandLine.ConvertedModel(Path.Combine(dir, "model.onnx"));
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var (code, _, err, ms) = Run("predict", "--model", model, "--input", Path.Combine(dir, "input.npy"), "--out", CommandLine.TempFile(".npy"));
            Assert.True(code == 0, err);
            times.Add(ms);
        }
        times.Sort();
        // Target 50 ms; the bound leaves room for a loaded CI machine, the median is printed for the record.
        Assert.True(times[2] < 200, $"median startup {times[2]:F1} ms");
        Console.WriteLine($"AOT predict startup median {times[2]:F1} ms");
    }
}
