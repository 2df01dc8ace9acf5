using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PrunedLrp.Composites;
using PrunedLrp.Imaging;
using PrunedLrp.Metrics;
using PrunedLrp.Pruning;

namespace PrunedLrp.Cli.Commands;

/// <summary>
/// <c>plrp demo</c>: LRP vs PLRP-λ vs PLRP-M on the embedded trained models (Fashion-MNIST images, synthetic DNA with
/// implanted motifs): heatmap figures, relevance tracks and a summary table with the sparsity gain.
/// </summary>
internal static class DemoCommand
{
    const string Composite = "epsilon-plus-flat";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Folder for the figures and summary.md", DefaultValueFactory = _ => new DirectoryInfo("plrp-demo"),
        };
        var sparsity = new Option<double>("--sparsity", "-p")
        {
            Description = "Pruning level of PLRP-λ and PLRP-M in the demo", DefaultValueFactory = _ => 0.5,
        };
        var samples = new Option<int>("--samples") { Description = "Samples per model (1..16)", DefaultValueFactory = _ => 4 };
        var command = new Command("demo", "Explain a few samples of two embedded trained models (Fashion-MNIST classifier, DNA motif "
            + "detector) with LRP, PLRP-λ and PLRP-M; write heatmap figures, relevance tracks and summary.md")
        {
            output, sparsity, samples,
        };
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            var dir = parse.GetValue(output)!;
            double p = parse.GetValue(sparsity);
            int count = parse.GetValue(samples);
            if (count is < 1 or > 16)
                throw new CliException("--samples must be 1..16");
            dir.Create();
            var clock = Stopwatch.StartNew();
            var summary = new StringBuilder();
            summary.AppendLine("# PrunedLrp.Managed demo").AppendLine();
            summary.AppendLine(FormattableString.Invariant($"Composite `{Composite}`; PLRP-λ and PLRP-M with sparsity p = {p} at every pruning point ")
                + "(mass selection, per sample). Gini: sparsity of the input relevance (1 = one non-zero entry). RMA: relevance mass "
                + "accuracy, the share of positive relevance on the ground truth (object pixels; motif positions).").AppendLine();
            var files = new List<string>();
            files.AddRange(Images(dir, p, count, summary));
            files.AddRange(Dna(dir, p, Math.Min(count, 8), summary));
            string summaryPath = Path.Combine(dir.FullName, "summary.md");
            File.WriteAllText(summaryPath, summary.ToString());
            stdout.Write(summary.ToString());
            stdout.WriteLine();
            stdout.WriteLine($"wrote {files.Count} figures and summary.md to {dir.FullName} in {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var f in files)
                stdout.WriteLine($"  {f}");
            return 0;
        }));
        return command;
    }

    static (string Name, Explainer Explainer)[] Methods(Model model, double p) =>
    [
        ("LRP", new Explainer(model, NamedComposites.Get(Composite), keepNodeRelevance: false)),
        ("PLRP-λ", new Explainer(model, NamedComposites.Get(Composite), new PruningOptions { Mode = PruneMode.Lambda, Sparsity = [p] }, keepNodeRelevance: false)),
        ("PLRP-M", new Explainer(model, NamedComposites.Get(Composite), new PruningOptions { Mode = PruneMode.M, Sparsity = [p] }, keepNodeRelevance: false)),
    ];

    static List<string> Images(DirectoryInfo dir, double p, int count, StringBuilder summary)
    {
        var model = DemoAssets.LoadModel("fashion");
        var input = DemoAssets.LoadArray("fashion", "input.npy");
        var mask = DemoAssets.LoadArray("fashion", "mask.npy");
        int h = model.InputShape[1], w = model.InputShape[2], size = model.InputSize;
        var methods = Methods(model, p);
        var stats = methods.Select(_ => (Gini: new List<double>(), Rma: new List<double>())).ToArray();
        var relevance = new float[size];
        var files = new List<string>();
        summary.AppendLine("## Fashion-MNIST classifier (real images)").AppendLine();
        summary.AppendLine("Each figure: input, then the relevance heatmaps of LRP, PLRP-λ and PLRP-M (red positive, blue negative, "
            + "white zero; coldnhot-like `bwr` colormap, symmetric per panel).").AppendLine();
        for (int n = 0; n < Math.Min(count, input.Shape[0]); n++)
        {
            var x = input.Data.AsSpan(n * size, size);
            var gt = mask.Data.AsSpan(n * size, size).ToArray().Select(v => v != 0).ToArray();
            var panels = new List<RgbImage> { InputImage.Render(x, 1, h, w, 0f, 1f).Upscale(6) };
            string cls = "";
            for (int k = 0; k < methods.Length; k++)
            {
                var (name, explainer) = methods[k];
                explainer.Explain(x, [], relevance);
                int t = explainer.Targets[0];
                cls = model.Labels.Count > t ? model.Labels[t] : t.ToString(CultureInfo.InvariantCulture);
                stats[k].Gini.Add(Gini.Compute(relevance));
                stats[k].Rma.Add(RelevanceMassAccuracy.Compute(relevance, gt));
                panels.Add(Heatmap.Render(relevance, h, w, ColorMap.Bwr).Upscale(6));
            }
            string file = $"fashion-{n}.png";
            Figure.SideBySide(panels, gap: 6, background: Rgb.White).SavePng(Path.Combine(dir.FullName, file));
            summary.AppendLine(CultureInfo.InvariantCulture, $"- sample {n}, predicted **{cls}**: ![fashion {n}]({file})");
            files.Add(file);
        }
        Table(summary, methods, stats);
        return files;
    }

    static List<string> Dna(DirectoryInfo dir, double p, int count, StringBuilder summary)
    {
        var model = DemoAssets.LoadModel("genomics");
        var input = DemoAssets.LoadArray("genomics", "input.npy");
        var mask = DemoAssets.LoadArray("genomics", "mask.npy");
        int length = model.InputShape[1], size = model.InputSize;
        var methods = Methods(model, p);
        var stats = methods.Select(_ => (Gini: new List<double>(), Rma: new List<double>())).ToArray();
        var relevance = new float[size];
        var perBase = new float[length];
        var files = new List<string>();
        summary.AppendLine("## DNA motif detector (synthetic sequences with implanted motifs)").AppendLine();
        summary.AppendLine("Each figure: relevance per position (summed over A/C/G/T) of LRP, PLRP-λ and PLRP-M, top to bottom; "
            + "the implanted motifs are shaded.").AppendLine();
        for (int n = 0; n < Math.Min(count, input.Shape[0]); n++)
        {
            var x = input.Data.AsSpan(n * size, size);
            var gtFloats = mask.Data.AsSpan(n * length, length);
            var gt = gtFloats.ToArray().Select(v => v != 0).ToArray();
            var marked = Intervals(gt);
            var rows = new List<RgbImage>();
            for (int k = 0; k < methods.Length; k++)
            {
                methods[k].Explainer.Explain(x, [], relevance);
                DnaRelevance.SumOverChannels(relevance, 4, perBase);
                stats[k].Gini.Add(Gini.Compute(perBase));
                stats[k].Rma.Add(RelevanceMassAccuracy.Compute(perBase, gt));
                rows.Add(RelevanceTrack.Render(perBase, height: 90, barWidth: 4, marked));
            }
            string file = $"dna-{n}.png";
            Figure.Stacked(rows, gap: 8, background: Rgb.White).SavePng(Path.Combine(dir.FullName, file));
            summary.AppendLine(CultureInfo.InvariantCulture, $"- sequence {n}: ![dna {n}]({file})");
            files.Add(file);
        }
        Table(summary, methods, stats);
        return files;
    }

    static MarkedInterval[] Intervals(bool[] mask)
    {
        var list = new List<MarkedInterval>();
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i] || (i > 0 && mask[i - 1])) continue;
            int end = i;
            while (end < mask.Length && mask[end]) end++;
            list.Add(new MarkedInterval(i, end));
        }
        return [.. list];
    }

    static void Table(StringBuilder summary, (string Name, Explainer Explainer)[] methods, (List<double> Gini, List<double> Rma)[] stats)
    {
        summary.AppendLine().AppendLine("| method | Gini (mean ± sd) | RMA (mean ± sd) |").AppendLine("|---|---|---|");
        for (int k = 0; k < methods.Length; k++)
            summary.AppendLine(CultureInfo.InvariantCulture, $"| {methods[k].Name} | {MethodMetrics.Format(stats[k].Gini)} | {MethodMetrics.Format(stats[k].Rma)} |");
        summary.AppendLine();
    }
}
