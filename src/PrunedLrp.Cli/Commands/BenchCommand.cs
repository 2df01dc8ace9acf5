using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

using PrunedLrp.Kernels;
using PrunedLrp.Pruning;

namespace PrunedLrp.Cli.Commands;

/// <summary><c>plrp bench</c>: forward and explain timings as a user sees them (warm-up excluded, median and spread).</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = CommonOptions.Model();
        var memory = CommonOptions.Memory();
        var input = CommonOptions.Input(required: false);
        var batch = new Option<int>("--batch", "-b") { Description = "Samples per call", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed calls first", DefaultValueFactory = _ => 2 };
        var runs = new Option<int>("--runs", "-r") { Description = "Timed calls", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var skipExplain = new Option<bool>("--forward-only") { Description = "Time the forward pass only" };
        var vsLrp = new Option<bool>("--vs-lrp")
        {
            Description = "With --prune lambda or m: also time plain LRP (the same composite), alternating call by call with the "
                + "pruned explain so both see the same machine state, and print pruned / LRP (the median of the per-call ratios)",
        };
        var lrp = new LrpOptions();
        var command = new Command("bench", "Time forward and explain of a model: median, min and max over --runs after --warmup, "
            + "and samples per second; apart from those, the model load and each first call (what a run of one sample pays, "
            + "in the fast mode the making of its weight forms). Input: --input X.npy (first --batch samples, repeated if fewer) "
            + "or seeded random values")
        {
            model, memory, input, batch, warmup, runs, json, skipExplain, vsLrp,
        };
        lrp.AddTo(command);
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            long loadStart = Stopwatch.GetTimestamp();
            var m = CommonOptions.LoadModel(parse, model, memory);
            double loadMs = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
            int n = parse.GetValue(batch), warm = parse.GetValue(warmup), count = parse.GetValue(runs);
            if (n < 1 || count < 1 || warm < 0)
                throw new CliException("--batch and --runs must be >= 1, --warmup >= 0");
            var pruning = lrp.BuildPruning(parse);
            bool compare = parse.GetValue(vsLrp);
            if (compare && (pruning is null || pruning.Mode == PruneMode.None || parse.GetValue(skipExplain)))
                throw new CliException("--vs-lrp compares a pruned explain with plain LRP: give --prune lambda or m (and not --forward-only)");
            var x = MakeInput(parse.GetValue(input), m, n);
            var (forward, firstForward) = TimeForward(m, x, n, warm, count);
            GC.Collect(); // the predictor's buffers, so that the explainer's can reuse their memory
            Timing? explain = null, lrpExplain = null;
            double? ratio = null, firstExplain = null;
            if (!parse.GetValue(skipExplain))
            {
                var composite = lrp.BuildComposite(parse, m);
                var explainer = new Explainer(m, composite, pruning, keepNodeRelevance: false);
                var relevance = new float[x.Length];
                Action pruned = () => explainer.Explain(x, [], relevance);
                if (compare)
                {
                    var plain = new Explainer(m, composite, null, keepNodeRelevance: false);
                    (explain, lrpExplain, ratio, firstExplain) = TimePair(pruned, () => plain.Explain(x, [], relevance), warm, count);
                }
                else
                {
                    (explain, firstExplain) = Time(pruned, warm, count);
                }
            }
            var result = new BenchResult(parse.GetValue(model)!.Name, n, Environment.ProcessorCount, forward, explain,
                parse.GetValue(lrp.Composite)!, parse.GetValue(lrp.Prune)!,
                System.Runtime.Intrinsics.X86.Avx2.IsSupported, System.Runtime.Intrinsics.X86.Fma.IsSupported, IsAot,
                m.Options.Memory.ToString().ToLowerInvariant(), PeakMemoryMB(), lrpExplain, ratio,
                Gemm.UsesAvx512, CpuFeatures.CpuHasAvx512F(), loadMs, firstForward, firstExplain);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(result, BenchJsonContext.Default.BenchResult));
                return 0;
            }
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {result.Model}, batch {n}, {count} runs after {warm} warm-up, {result.Cores} cores, {Simd}, memory {result.Memory}"));
            Print(stdout, "forward", forward, n);
            if (explain is not null)
            {
                Print(stdout, $"explain ({result.Composite}, prune {result.Prune})", explain, n);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explain / forward: {explain.MedianMs / forward.MedianMs:F2}x"));
            }
            if (lrpExplain is not null)
            {
                Print(stdout, $"explain ({result.Composite}, plain LRP, alternating)", lrpExplain, n);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pruned / LRP: {ratio:F2}x (median of {count} paired runs)"));
            }
            // What a run of one sample pays on top of the medians: reading the file, and in the fast mode making the
            // packed, Winograd-transformed and rule-modified weights at each direction's first call.
            string firstCalls = string.Create(CultureInfo.InvariantCulture, $"not in the medians: model load {loadMs:F0} ms, first forward {firstForward:F0} ms");
            if (firstExplain is double first)
                firstCalls += string.Create(CultureInfo.InvariantCulture, $", first explain {first:F0} ms");
            stdout.WriteLine(result.Memory == "fast" ? firstCalls + " (the first calls make the fast mode's weight forms)" : firstCalls);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak memory (resident, whole process): {result.PeakMemoryMB} MB"));
            // Not when the tile was turned off by hand (PRUNEDLRP_AVX512=0): the build has it then.
            if (result.CpuAvx512 && !result.Avx512 && Environment.GetEnvironmentVariable("PRUNEDLRP_AVX512") != "0")
                stdout.WriteLine("note: this CPU has AVX-512, which this binary was not built to use; the linux-x64 Native-AOT publish "
                    + "puts an x86-64-v4 build at avx512/plrp beside it, which it then starts in its place (see the README): "
                    + "its AVX-512 GEMM tile is 1.5-1.8x faster on square products on a Zen 5");
            return 0;
        }));
        return command;
    }

    // The process's peak resident set (VmHWM on Linux), as /usr/bin/time reports it: model, prepared weights, buffers
    // and runtime together, which is what a memory-limited server sees.
    static long PeakMemoryMB()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024 * 1024);
    }

    static string Simd => $"AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}, "
        + $"AOT {IsAot}, AVX-512 tile {Gemm.UsesAvx512}";

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

    // The predictor lives only here: captured next to the explainer's state, it would stay reachable (its activations
    // and scratch resident) while the explain is timed, and the peak memory reported would be that of both.
    static (Timing Runs, double FirstMs) TimeForward(Model model, float[] x, int batch, int warmup, int runs)
    {
        var predictor = new Predictor(model);
        var logits = new float[batch * model.OutputSize];
        return Time(() => predictor.Predict(x, logits), warmup, runs);
    }

    // The runs after the warm-up, and the very first call (a warm-up call, or the first run when there is none).
    static (Timing Runs, double FirstMs) Time(Action action, int warmup, int runs)
    {
        double first = Measure(action);
        for (int i = 1; i < warmup; i++)
            action();
        var ms = new double[runs];
        for (int i = 0; i < runs; i++)
            ms[i] = i == 0 && warmup == 0 ? first : Measure(action);
        return (Summarize(ms), first);
    }

    // Alternates a and b call by call (warm-up too), so that both see the same machine state; the ratio is the median
    // of the per-pair ratios a / b, which a slow spell of the machine moves much less than a ratio of two medians.
    // Also returns a's first call (see Time); with no warm-up it is the first run's.
    static (Timing A, Timing B, double Ratio, double FirstA) TimePair(Action a, Action b, int warmup, int runs)
    {
        double firstA = 0;
        for (int i = 0; i < warmup; i++)
        {
            if (i == 0) firstA = Measure(a);
            else a();
            b();
        }
        var msA = new double[runs];
        var msB = new double[runs];
        var ratios = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            // Which goes first alternates too, so neither always runs on the caches the other left.
            bool aFirst = i % 2 == 0;
            double first = Measure(aFirst ? a : b), second = Measure(aFirst ? b : a);
            (msA[i], msB[i]) = aFirst ? (first, second) : (second, first);
            ratios[i] = msA[i] / msB[i];
        }
        return (Summarize(msA), Summarize(msB), Median(ratios), warmup > 0 ? firstA : msA[0]);
    }

    static double Measure(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    static Timing Summarize(double[] ms) => new(Median(ms), ms.Min(), ms.Max());

    static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static void Print(TextWriter stdout, string what, Timing t, int batch)
        => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {t.MedianMs:F2} ms (min {t.MinMs:F2}, max {t.MaxMs:F2}), {batch * 1000 / t.MedianMs:F1} samples/s"));
}

/// <summary>Timing of one operation in milliseconds.</summary>
internal sealed record Timing(double MedianMs, double MinMs, double MaxMs);

/// <summary>What <c>plrp bench --json</c> prints (Avx2 / Fma: the instruction sets the kernels use; Aot: a Native AOT binary;
/// Memory: fast or lean (--memory); PeakMemoryMB: the process's peak resident set after the runs, in MiB; with --vs-lrp,
/// LrpExplain is plain LRP timed alternately with Explain, and PrunedOverLrp the median per-pair ratio; Avx512: the GEMM
/// runs its AVX-512 tile; CpuAvx512: the CPU reports AVX-512, whether or not this build uses it; LoadMs: reading and
/// validating the model file; FirstForwardMs, FirstExplainMs: the first call of each, which the medians leave out and
/// which in the fast memory mode makes the weights' kept forms).</summary>
internal sealed record BenchResult(string Model, int Batch, int Cores, Timing Forward, Timing? Explain, string Composite, string Prune,
    bool Avx2, bool Fma, bool Aot, string Memory, long PeakMemoryMB, Timing? LrpExplain = null, double? PrunedOverLrp = null,
    bool Avx512 = false, bool CpuAvx512 = false, double LoadMs = 0, double FirstForwardMs = 0, double? FirstExplainMs = null);

/// <summary>Source-generated JSON for AOT.</summary>
[JsonSerializable(typeof(BenchResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}
