using System.CommandLine;
using System.Globalization;
using PrunedLrp.IO;

namespace PrunedLrp.Cli.Commands;

/// <summary><c>plrp explain</c>: input relevance (LRP or Pruned LRP) of every sample.</summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = CommonOptions.Model();
        var memory = CommonOptions.MemoryWithAuto();
        var input = CommonOptions.Input(required: false);
        var fasta = new Option<FileInfo?>("--fasta")
        {
            Description = "Input as FASTA (instead of --input) for one-hot DNA models [4, L]: A,C,G,T channels; N and IUPAC codes "
                + "spread uniformly over their bases (N = 0.25 each); lower case accepted; other characters are an error",
        };
        var output = CommonOptions.Out("Where to write the input relevance, .npy float32 of the input's shape", required: false);
        var extra = new ExplainOutputs();
        var batchSize = CommonOptions.BatchSize();
        var lrp = new LrpOptions();
        var target = new Option<string?>("--target", "-t")
        {
            Description = "Class to explain: K for every sample, or K1,K2,... one per sample (default: each sample's arg-max class)",
        };
        var layersOut = new Option<DirectoryInfo?>("--layers-out")
        {
            Description = "Write each pruning point's relevance (and the input's) as node<ID>.npy into this folder",
        };
        var report = new Option<FileInfo?>("--report") { Description = "Write the pruning report (per point and sample) as TSV" };
        var command = new Command("explain", "Explain predictions: input relevance by LRP (Zennit's composites) or Pruned LRP; "
            + "prints per sample the target, its logit and the relevance sum (the conservation check)")
        {
            model, memory, input, fasta, output, target, layersOut, report, batchSize,
        };
        extra.AddTo(command);
        lrp.AddTo(command);
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            int? requestedBatch = BatchSizing.Parse(parse.GetValue(batchSize));
            var mode = CommonOptions.MemoryChoice(parse, memory, allowAuto: true);
            var spec = CommonOptions.ReadModel(parse, model);
            var inputFile = parse.GetValue(input);
            var fastaFile = parse.GetValue(fasta);
            if ((inputFile is null) == (fastaFile is null))
                throw new CliException("give the samples with exactly one of --input X.npy or --fasta SEQS.fa");
            if (parse.GetValue(output) is null && !extra.Any(parse))
                throw new CliException("nothing to write: give --out R.npy and/or --heatmap, --tsv, --bedgraph");
            IReadOnlyList<FastaRecord>? records = null;
            float[] data;
            int batch;
            if (fastaFile is not null)
                (data, batch, records) = GenomicsInput.Load(fastaFile, spec.InputShape);
            else
                (data, batch) = InputLoader.Load(inputFile!, spec.InputShape);
            var m = CommonOptions.PrepareModel(spec, mode, batch, stderr);
            int[] targets = ParseTargets(parse.GetValue(target), batch, m.OutputSize);
            var explainer = new Explainer(m, lrp.BuildComposite(parse, m), lrp.BuildPruning(parse), keepNodeRelevance: false);
            int chunk = BatchSizing.For(requestedBatch, m, buffersPerNode: 2);
            var relevance = new float[data.Length];
            var dir = parse.GetValue(layersOut);
            var layerData = dir is null ? null : explainer.PruningPoints.ToDictionary(p => p, p => new float[batch * m.NodeSize(p)]);
            var reportFile = parse.GetValue(report);
            using var reportWriter = reportFile is null ? null : new StreamWriter(reportFile.FullName);
            reportWriter?.WriteLine("sample\tpoint\tnode\tentries\tkept\tpositive_mass\tnegative_mass\tpruned_positive\tpruned_negative\tlambda_pos\tlambda_neg\tsum_before\tsum_after\tconservation_error");
            stdout.WriteLine("sample\ttarget\tlogit\trelevance_sum");
            for (int start = 0; start < batch; start += chunk)
            {
                int n = Math.Min(chunk, batch - start);
                var targetSlice = targets.Length <= 1 ? targets.AsSpan() : targets.AsSpan(start, n);
                explainer.Explain(data.AsSpan(start * m.InputSize, n * m.InputSize), targetSlice,
                    relevance.AsSpan(start * m.InputSize, n * m.InputSize));
                for (int s = 0; s < n; s++)
                {
                    double sum = 0;
                    foreach (float v in relevance.AsSpan((start + s) * m.InputSize, m.InputSize))
                        sum += v;
                    int t = explainer.Targets[s];
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{start + s}\t{t}{PredictCommand.Label(m, t)}\t{explainer.Logits[s * m.OutputSize + t]:G6}\t{sum:G6}"));
                }
                if (layerData is not null)
                {
                    foreach (var (p, buffer) in layerData)
                        explainer.NodeRelevance(p).CopyTo(buffer.AsSpan(start * m.NodeSize(p)));
                }
                WriteReports(reportWriter, explainer, start);
                Progress.Report(stderr, "explain", start + n, batch);
            }
            var shape = new[] { batch }.Concat(m.InputShape).ToArray();
            if (parse.GetValue(output) is { } outFile)
            {
                NpyFile.Write(outFile.FullName, relevance, shape);
                stdout.WriteLine($"wrote {outFile.FullName} [{string.Join(",", shape)}]");
            }
            foreach (string file in extra.Write(parse, m, relevance, batch, records))
                stdout.WriteLine($"wrote {file}");
            if (dir is not null && layerData is not null)
            {
                dir.Create();
                foreach (var (p, buffer) in layerData)
                    NpyFile.Write(Path.Combine(dir.FullName, $"node{p}.npy"), buffer, new[] { batch }.Concat(m.NodeShape(p)).ToArray());
                NpyFile.Write(Path.Combine(dir.FullName, "node0.npy"), relevance, shape);
                stdout.WriteLine($"wrote {layerData.Count + 1} relevance tensors to {dir.FullName}");
            }
            if (reportFile is not null)
                stdout.WriteLine($"wrote {reportFile.FullName}");
            return 0;
        }));
        return command;
    }

    static void WriteReports(StreamWriter? writer, Explainer explainer, int start)
    {
        if (writer is null)
            return;
        var points = explainer.PruningPoints;
        var reports = explainer.PruningReports;
        int batch = points.Count == 0 ? 0 : reports.Length / points.Count;
        for (int k = 0; k < points.Count; k++)
        {
            for (int s = 0; s < batch; s++)
            {
                var r = reports[k * batch + s];
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{start + s}\t{k}\t{r.Node}\t{r.Entries}\t{r.Kept}\t{r.PositiveMass:G6}\t{r.NegativeMass:G6}\t{r.PrunedPositiveMass:G6}\t{r.PrunedNegativeMass:G6}\t{r.LambdaPositive:G6}\t{r.LambdaNegative:G6}\t{r.SumBefore:G6}\t{r.SumAfter:G6}\t{r.ConservationError:G3}"));
            }
        }
    }

    internal static int[] ParseTargets(string? text, int batch, int classes)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        var targets = Numbers.ParseInts(text, "--target");
        if (targets.Length != 1 && targets.Length != batch)
            throw new CliException($"--target: {targets.Length} classes for {batch} samples; give one, or one per sample");
        foreach (int t in targets)
        {
            if (t < 0 || t >= classes)
                throw new CliException($"--target: class {t} is out of range (the model has {classes} classes: 0..{classes - 1})");
        }
        return targets;
    }
}
