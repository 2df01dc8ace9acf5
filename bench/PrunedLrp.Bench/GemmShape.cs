namespace PrunedLrp.Bench;

/// <summary>One benchmarked product C[M, N] = A[M, K] B[K, N] (conv-as-GEMM shapes: M = outC, N = oH*oW, K = inC*kH*kW).</summary>
public sealed record GemmShape(string Name, int M, int N, int K)
{
    /// <summary>Floating-point operations of one product (a multiply-add counts 2).</summary>
    public double Flop => 2.0 * M * N * K;

    /// <summary>The shapes of GemmBenchmarks and tools/bench/gemm_openblas.py (keep the two lists equal).</summary>
    public static readonly GemmShape[] All =
    [
        new("square 256", 256, 256, 256),
        new("square 512", 512, 512, 512),
        new("square 1024", 1024, 1024, 1024),
        new("square 2048", 2048, 2048, 2048),
        new("vgg conv1_1", 64, 224 * 224, 27),
        new("vgg conv2_2", 128, 112 * 112, 576),
        new("vgg conv3_2", 256, 56 * 56, 1152),
        new("vgg conv4_2", 512, 28 * 28, 2304),
        new("vgg conv5_2", 512, 14 * 14, 4608),
        new("resnet 1x1 56x56", 256, 56 * 56, 64),
        new("resnet 1x1 14x14 up", 1024, 14 * 14, 256),
        new("resnet 1x1 14x14 down", 256, 14 * 14, 1024),
        new("resnet 1x1 7x7 up", 2048, 7 * 7, 512),
        new("resnet 1x1 7x7 down", 512, 7 * 7, 2048),
    ];

    /// <inheritdoc/>
    public override string ToString() => Name;
}
