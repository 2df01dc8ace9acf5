using System.CommandLine;
using System.Globalization;
using System.Text;
using PrunedLrp.IO;
using PrunedLrp.Metrics;
using PrunedLrp.Pruning;

namespace PrunedLrp.Cli.Commands;

/// <summary><c>plrp evaluate</c>: LRP vs PLRP-λ vs PLRP-M at several sparsity levels, with the paper's metrics.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = CommonOptions.Model();
        var memory = CommonOptions.Memory();
        var input = CommonOptions.Input();
        var mask = new Option<FileInfo>("--mask")
        {
            Description = "Ground-truth mask .npy: the input's shape, or the input's shape without the channel axis (then relevance is "
                + "summed over channels and a feature is one position). Non-zero = relevant. Samples with an empty mask count "
                + "for Gini, entropy and AOPC only", Required = true,
        };
        var levels = new Option<string>("--sparsity", "-p")
        {
            Description = "Sparsity levels to compare (0 = plain LRP)", DefaultValueFactory = _ => "0,0.25,0.5,0.75,0.9,0.95",
        };
        var target = new Option<string?>("--target", "-t") { Description = "Class to explain: K, or one per sample (default: arg-max)" };
        var steps = new Option<int>("--steps") { Description = "Perturbation steps K of the MoRF curve", DefaultValueFactory = _ => 10 };
        var stepFraction = new Option<double>("--step-fraction")
        {
            Description = "Share of the features replaced per perturbation step", DefaultValueFactory = _ => 0.01,
        };
        var baseline = new Option<string>("--baseline")
        {
            Description = "Value of perturbed features: a number, or auto (0.25 for 4-channel 1-D inputs such as one-hot DNA, else 0)",
            DefaultValueFactory = _ => "auto",
        };
        var samples = new Option<int>("--samples") { Description = "Use only the first N samples (0 = all)", DefaultValueFactory = _ => 0 };
        var output = CommonOptions.Out("Also write the table: .tsv for tab-separated values, anything else for markdown", required: false);
        var lrp = new LrpOptions();
        var command = new Command("evaluate", "Compare LRP, PLRP-λ and PLRP-M at several sparsity levels: mean ± sd over samples of "
            + "Gini (sparsity), entropy (complexity), relevance mass accuracy, relevance rank accuracy and AOPC (MoRF faithfulness)")
        {
            model, memory, input, mask, levels, target, steps, stepFraction, baseline, samples, output,
        };
        lrp.AddTo(command, withPruning: false);
        command.Options.Add(lrp.Select);
        command.Options.Add(lrp.TopK);
        command.Options.Add(lrp.SparsityNegative);
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            var m = CommonOptions.LoadModel(parse, model, memory);
            var (data, batch) = InputLoader.Load(parse.GetValue(input)!, m);
            int limit = parse.GetValue(samples);
            if (limit > 0)
                batch = Math.Min(batch, limit);
            var maskFile = parse.GetValue(mask)!;
            var (truth, settings) = LoadMask(maskFile, m, batch, parse.GetValue(baseline)!, parse.GetValue(steps), parse.GetValue(stepFraction));
            int[] targets = ExplainCommand.ParseTargets(parse.GetValue(target), batch, m.OutputSize);
            var composite = lrp.BuildComposite(parse, m);
            var ps = Numbers.ParseDoubles(parse.GetValue(levels)!, "--sparsity");
            var methods = new List<(string Name, double P, PruningOptions? Pruning)> { ("LRP", 0, null) };
            foreach (double p in ps.Where(p => p > 0))
            {
                methods.Add(("PLRP-λ", p, lrp.BuildPruning(parse, "lambda", [p])));
                methods.Add(("PLRP-M", p, lrp.BuildPruning(parse, "m", [p])));
            }
            var results = new List<MethodMetrics>();
            int done = 0;
            foreach (var (name, p, pruning) in methods)
            {
                results.Add(Evaluate(m, data, batch, targets, truth, settings, new Explainer(m, composite, pruning, keepNodeRelevance: false), name, p));
                Progress.Report(stderr, $"evaluate ({name} p={p})", ++done, methods.Count, "methods");
            }
            string table = Markdown(results);
            stdout.Write(table);
            var outFile = parse.GetValue(output);
            if (outFile is not null)
            {
                File.WriteAllText(outFile.FullName, outFile.Extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? Tsv(results) : table);
                stdout.WriteLine($"wrote {outFile.FullName}");
            }
            return 0;
        }));
        return command;
    }

    static (bool[] Truth, EvaluationSettings Settings) LoadMask(FileInfo file, Model m, int batch, string baselineText, int steps, double stepFraction)
    {
        var array = NpyFile.Read(file.FullName);
        var shape = m.InputShape.ToArray();
        var noChannel = shape[1..];
        var tail = array.Shape.AsSpan(1);
        int channelsPerFeature;
        if (array.Shape.Length == shape.Length + 1 && tail.SequenceEqual(shape))
            channelsPerFeature = 1;
        else if (noChannel.Length > 0 && array.Shape.Length == noChannel.Length + 1 && tail.SequenceEqual(noChannel))
            channelsPerFeature = shape[0];
        else
            throw new CliException($"{file.Name}: mask shape [{string.Join(",", array.Shape)}] fits neither [N,{string.Join(",", shape)}] nor [N,{string.Join(",", noChannel)}]");
        if (array.Shape[0] < batch)
            throw new CliException($"{file.Name}: {array.Shape[0]} masks for {batch} samples");
        int positions = m.InputSize / channelsPerFeature;
        var truth = new bool[batch * positions];
        for (int i = 0; i < truth.Length; i++)
            truth[i] = array.Data[i] != 0;
        float baselineValue = baselineText == "auto"
            ? (shape.Length == 2 && shape[0] == 4 ? 0.25f : 0f)
            : Numbers.ParseFloats(baselineText, "--baseline")[0];
        if (steps < 1)
            throw new CliException("--steps must be >= 1");
        if (!(stepFraction > 0 && stepFraction <= 1))
            throw new CliException("--step-fraction must be in (0, 1]");
        int perStep = Math.Max(1, (int)Math.Round(positions * stepFraction));
        return (truth, new EvaluationSettings(channelsPerFeature, positions, baselineValue, steps, perStep));
    }

    static MethodMetrics Evaluate(Model m, float[] data, int batch, int[] targets, bool[] truth, EvaluationSettings s,
        Explainer explainer, string name, double p)
    {
        var metrics = new MethodMetrics(name, p);
        var relevance = new float[m.InputSize];
        var perFeature = new float[s.Positions];
        var scratch = new float[m.InputSize];
        var curve = new float[s.Steps + 1];
        var predictor = new Predictor(m);
        var logits = new float[m.OutputSize];
        for (int n = 0; n < batch; n++)
        {
            var x = data.AsSpan(n * m.InputSize, m.InputSize);
            ReadOnlySpan<int> t = targets.Length == 0 ? [] : targets.Length == 1 ? targets : targets.AsSpan(n, 1);
            explainer.Explain(x, t, relevance);
            DnaRelevance.SumOverChannels(relevance, s.ChannelsPerFeature, perFeature);
            metrics.Gini.Add(Gini.Compute(perFeature, scratch));
            metrics.Entropy.Add(Entropy.Compute(perFeature));
            var gt = truth.AsSpan(n * s.Positions, s.Positions);
            if (gt.Contains(true))
            {
                metrics.MassAccuracy.Add(RelevanceMassAccuracy.Compute(perFeature, gt));
                metrics.RankAccuracy.Add(RelevanceRankAccuracy.Compute(perFeature, gt));
            }
            var scorer = new LogitScorer(predictor, explainer.Targets[0], logits);
            RegionPerturbation.MorfCurve(x, relevance, s.Baseline, s.ChannelsPerFeature, s.FeaturesPerStep, scorer, curve);
            metrics.Aopc.Add(RegionPerturbation.Aopc(curve));
        }
        return metrics;
    }

    static string Markdown(List<MethodMetrics> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| method | p | Gini ↑ | entropy ↓ | mass accuracy ↑ | rank accuracy ↑ | AOPC (MoRF) ↑ |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Method} | {r.Sparsity:0.##} | {MethodMetrics.Format(r.Gini)} | {MethodMetrics.Format(r.Entropy)} | "
                + $"{MethodMetrics.Format(r.MassAccuracy)} | {MethodMetrics.Format(r.RankAccuracy)} | {MethodMetrics.Format(r.Aopc)} |");
        }
        return sb.ToString();
    }

    static string Tsv(List<MethodMetrics> results)
    {
        var sb = new StringBuilder("method\tp\tmetric\tmean\tsd\tn\n");
        foreach (var r in results)
        {
            foreach (var (metric, values) in new[] { ("gini", r.Gini), ("entropy", r.Entropy), ("mass_accuracy", r.MassAccuracy), ("rank_accuracy", r.RankAccuracy), ("aopc", r.Aopc) })
            {
                if (values.Count == 0) continue;
                var s = MeanStd.Of(values.ToArray());
                sb.Append(CultureInfo.InvariantCulture, $"{r.Method}\t{r.Sparsity}\t{metric}\t{s.Mean:G6}\t{s.Std:G6}\t{s.Count}\n");
            }
        }
        return sb.ToString();
    }
}
