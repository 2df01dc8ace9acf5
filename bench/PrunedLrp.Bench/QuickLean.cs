using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>
/// Forward ms of the 3x3 stride-1 convolutions of VGG-16 and ResNet-50 in both memory modes: the fast form (kernels
/// prepared once) and the lean form (<see cref="MemoryMode.Lean"/>: kernels packed, or transformed for Winograd, at
/// every call). Best of N samples of ~20 ms. Usage: <c>quick-lean [repeats] [filter]</c> (layers whose name contains
/// the filter); with <c>PRUNEDLRP_WINOGRAD=0</c> both
/// forms run the direct sum.
/// </summary>
internal static class QuickLean
{
    static readonly ConvCase[] Cases =
    [
        new("vgg conv1_2 64 224x224", Same(64, 224)),
        new("vgg conv2_2 128 112x112", Same(128, 112)),
        new("vgg conv3_2 256 56x56", Same(256, 56)),
        new("vgg conv4_2 512 28x28", Same(512, 28)),
        new("vgg conv5_2 512 14x14", Same(512, 14)),
        new("resnet 3x3 64 56x56", Same(64, 56)),
        new("resnet 3x3 128 28x28", Same(128, 28)),
        new("resnet 3x3 256 14x14", Same(256, 14)),
        new("resnet 3x3 512 7x7", Same(512, 7)),
    ];

    public static void Run(int repeats, string? filter = null)
    {
        Console.WriteLine($"ConvOperator forward, batch 1, cores={Environment.ProcessorCount}, repeats={repeats}, "
            + $"PRUNEDLRP_WINOGRAD={Environment.GetEnvironmentVariable("PRUNEDLRP_WINOGRAD") ?? "(unset)"}");
        Console.WriteLine("| layer | fast ms | lean ms | lean / fast |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var c in Cases.Where(c => filter == null || c.Name.Contains(filter, StringComparison.Ordinal)))
        {
            var rng = new Random(1);
            var s = c.Shape;
            var w = GemmBenchmarks.Random(rng, s.WeightSize);
            var fast = new ConvOperator(s, w);
            var lean = new ConvOperator(s, w, WeightMap.Positive);
            var x = GemmBenchmarks.Random(rng, s.InSize);
            var y = GemmBenchmarks.Random(rng, s.OutSize);
            var bias = GemmBenchmarks.Random(rng, s.OutChannels);
            var scratch = new float[Math.Max(fast.ScratchLength(1), lean.ScratchLength(1))];
            // Lean first: timed right after the fast form (which prepares its kernels at its first call), the lean
            // form's direct sums ran up to 2x slower (512 channels at 14x14: 8.2 against 4.3 ms), an effect of the order.
            double l = QuickConv.Best(c.Flop, repeats, () => lean.Forward(x, bias, y, 1, scratch));
            double f = QuickConv.Best(c.Flop, repeats, () => fast.Forward(x, bias, y, 1, scratch));
            Console.WriteLine($"| {c.Name} | {f * 1e3:F2} | {l * 1e3:F2} | {l / f:F2} |");
        }
    }

    static ConvShape Same(int channels, int size) => new(channels, channels, 1, size, size, 3, 3, 1, 1, 1, 1, 1, 1, size, size);
}
