using PrunedLrp.Kernels;
using PrunedLrp.Layers;

namespace PrunedLrp.Bench;

/// <summary>
/// A ZPlus step's products on sparse relevance, per layer shape: the dense pair (forward with W+, then the transposed
/// product with its factor) against the listed pair (<see cref="ListedOutputConv"/>: the denominators at the non-zero
/// entries, the transposed product from them), at several shares of non-zero entries around the switch
/// (<see cref="ListedOutputConv.Limit"/>, 1/64). Best of N samples. Usage: <c>quick-listed [repeats]</c>.
/// </summary>
internal static class QuickListed
{
    static readonly ConvCase[] Cases =
    [
        new("vgg conv3_2 256 56x56 3x3", new ConvShape(256, 256, 1, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56)),
        new("resnet 3x3 64 56x56", new ConvShape(64, 64, 1, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56)),
        new("resnet 3x3 256 14x14", new ConvShape(256, 256, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 14, 14)),
        new("resnet 1x1 256->64 56x56", new ConvShape(256, 64, 1, 56, 56, 1, 1, 1, 1, 0, 0, 1, 1, 56, 56)),
        new("resnet 1x1 512->2048 7x7", new ConvShape(512, 2048, 1, 7, 7, 1, 1, 1, 1, 0, 0, 1, 1, 7, 7)),
    ];

    static readonly double[] Shares = [0.001, 0.005, 1.0 / 64, 0.05];

    public static void Run(int repeats)
    {
        Console.WriteLine($"ZPlus step products, batch 1, cores={Environment.ProcessorCount}, repeats={repeats}");
        Console.WriteLine("| layer | dense ms | " + string.Join(" | ", Shares.Select(s => $"listed {s:P1} ms")) + " |");
        Console.WriteLine("|---|---:|" + string.Concat(Shares.Select(_ => "---:|")));
        foreach (var c in Cases)
        {
            var rng = new Random(1);
            var s = c.Shape;
            var w = GemmBenchmarks.Random(rng, s.WeightSize);
            var positive = WeightVariants.Modify(w, WeightVariant.Positive, 0f);
            var op = new ConvOperator(s, positive);
            var x = GemmBenchmarks.Random(rng, s.InSize).Select(Math.Abs).ToArray();
            var z = new float[s.OutSize];
            var dx = new float[s.InSize];
            var bias = new float[s.OutChannels];
            var scratch = new float[op.ScratchLength(1)];
            double dense = QuickConv.Best(2 * c.Flop, repeats, () =>
            {
                op.Forward(x, bias, z, 1, scratch);
                op.BackwardData(z, dx, 1, scratch, x);
            });
            var row = $"| {c.Name} | {dense * 1e3:F2} |";
            foreach (double share in Shares)
            {
                int count = Math.Max(1, (int)(share * s.OutSize));
                var listed = Enumerable.Range(0, s.OutSize).OrderBy(_ => rng.Next()).Take(count).Order().ToArray();
                var values = new float[count];
                double time = QuickConv.Best(2.0 * count * s.InChannels * s.KernelHeight * s.KernelWidth, repeats, () =>
                {
                    ListedOutputConv.At(s, w, WeightMap.Positive, x, listed, bias, values);
                    ListedOutputConv.Transposed(s, w, WeightMap.Positive, listed, values, dx);
                });
                row += $" {time * 1e3:F2} |";
            }
            Console.WriteLine(row);
        }
    }
}
