using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrunedLrp.Cli.Commands;

/// <summary><c>plrp bench</c>: forward and explain timings as a user sees them (warm-up excluded, median and spread).</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = CommonOptions.Model();
        var input = CommonOptions.Input(required: false);
        var batch = new Option<int>("--batch", "-b") { Description = "Samples per call", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed calls first", DefaultValueFactory = _ => 2 };
        var runs = new Option<int>("--runs", "-r") { Description = "Timed calls", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var skipExplain = new Option<bool>("--forward-only") { Description = "Time the forward pass only" };
        var lrp = new LrpOptions();
        var command = new Command("bench", "Time forward and explain of a model: median, min and max over --runs after --warmup, "
            + "and samples per second. Input: --input X.npy (first --batch samples, repeated if fewer) or seeded random values")
        {
            model, input, batch, warmup, runs, json, skipExplain,
        };
        lrp.AddTo(command);
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            var m = Model.Load(parse.GetValue(model)!.FullName);
            int n = parse.GetValue(batch), warm = parse.GetValue(warmup), count = parse.GetValue(runs);
            if (n < 1 || count < 1 || warm < 0)
                throw new CliException("--batch and --runs must be >= 1, --warmup >= 0");
            var x = MakeInput(parse.GetValue(input), m, n);
            var predictor = new Predictor(m);
            var logits = new float[n * m.OutputSize];
            var forward = Time(() => predictor.Predict(x, logits), warm, count);
            Timing? explain = null;
            if (!parse.GetValue(skipExplain))
            {
                var explainer = new Explainer(m, lrp.BuildComposite(parse, m), lrp.BuildPruning(parse), keepNodeRelevance: false);
                var relevance = new float[x.Length];
                explain = Time(() => explainer.Explain(x, [], relevance), warm, count);
            }
            var result = new BenchResult(parse.GetValue(model)!.Name, n, Environment.ProcessorCount, forward, explain,
                parse.GetValue(lrp.Composite)!, parse.GetValue(lrp.Prune)!,
                System.Runtime.Intrinsics.X86.Avx2.IsSupported, System.Runtime.Intrinsics.X86.Fma.IsSupported, IsAot);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(result, BenchJsonContext.Default.BenchResult));
                return 0;
            }
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {result.Model}, batch {n}, {count} runs after {warm} warm-up, {result.Cores} cores, {Simd}"));
            Print(stdout, "forward", forward, n);
            if (explain is not null)
            {
                Print(stdout, $"explain ({result.Composite}, prune {result.Prune})", explain, n);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explain / forward: {explain.MedianMs / forward.MedianMs:F2}x"));
            }
            return 0;
        }));
        return command;
    }

    static string Simd => $"AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}, AOT {IsAot}";

    static bool IsAot => !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported;

    static float[] MakeInput(FileInfo? file, Model m, int n)
    {
        var x = new float[n * m.InputSize];
        if (file is null)
        {
            var random = new Random(42);
            for (int i = 0; i < x.Length; i++)
                x[i] = (float)(random.NextDouble() * 2 - 1);
            return x;
        }
        var (data, batch) = InputLoader.Load(file, m);
        for (int s = 0; s < n; s++)
            data.AsSpan(s % batch * m.InputSize, m.InputSize).CopyTo(x.AsSpan(s * m.InputSize));
        return x;
    }

    static Timing Time(Action action, int warmup, int runs)
    {
        for (int i = 0; i < warmup; i++)
            action();
        var ms = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        return new Timing(median, ms[0], ms[^1]);
    }

    static void Print(TextWriter stdout, string what, Timing t, int batch)
        => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {t.MedianMs:F2} ms (min {t.MinMs:F2}, max {t.MaxMs:F2}), {batch * 1000 / t.MedianMs:F1} samples/s"));
}

/// <summary>Timing of one operation in milliseconds.</summary>
internal sealed record Timing(double MedianMs, double MinMs, double MaxMs);

/// <summary>What <c>plrp bench --json</c> prints (Avx2 / Fma: the instruction sets the kernels use; Aot: a Native AOT binary).</summary>
internal sealed record BenchResult(string Model, int Batch, int Cores, Timing Forward, Timing? Explain, string Composite, string Prune,
    bool Avx2, bool Fma, bool Aot);

/// <summary>Source-generated JSON for AOT.</summary>
[JsonSerializable(typeof(BenchResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}
