using System.CommandLine;
using PrunedLrp.IO;

namespace PrunedLrp.Cli.Commands;

/// <summary><c>plrp predict</c>: logits of every sample.</summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = CommonOptions.Model();
        var memory = CommonOptions.Memory();
        var input = CommonOptions.Input();
        var output = CommonOptions.Out("Where to write the logits, .npy float32 [N, classes]");
        var batchSize = CommonOptions.BatchSize();
        var command = new Command("predict", "Run the model forward and write the logits; prints the top class per sample")
        {
            model, memory, input, output, batchSize,
        };
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            int? requestedBatch = BatchSizing.Parse(parse.GetValue(batchSize));
            var m = CommonOptions.LoadModel(parse, model, memory);
            var (data, batch) = InputLoader.Load(parse.GetValue(input)!, m);
            int chunk = BatchSizing.For(requestedBatch, m, buffersPerNode: 1);
            var predictor = new Predictor(m);
            var logits = new float[batch * m.OutputSize];
            for (int start = 0; start < batch; start += chunk)
            {
                int n = Math.Min(chunk, batch - start);
                predictor.Predict(data.AsSpan(start * m.InputSize, n * m.InputSize), logits.AsSpan(start * m.OutputSize, n * m.OutputSize));
                Progress.Report(stderr, "predict", start + n, batch);
            }
            var outFile = parse.GetValue(output)!;
            NpyFile.Write(outFile.FullName, logits, [batch, m.OutputSize]);
            for (int s = 0; s < Math.Min(batch, 20); s++)
            {
                var row = logits.AsSpan(s * m.OutputSize, m.OutputSize);
                int top = ArgMax(row);
                stdout.WriteLine($"sample {s}: class {top}{Label(m, top)} logit {row[top]:G6}");
            }
            if (batch > 20)
                stdout.WriteLine($"... ({batch - 20} more samples)");
            stdout.WriteLine($"wrote {outFile.FullName} [{batch},{m.OutputSize}]");
            return 0;
        }));
        return command;
    }

    internal static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
                best = i;
        }
        return best;
    }

    internal static string Label(Model m, int cls) => m.Labels.Count > cls ? $" ({m.Labels[cls]})" : "";
}
