using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>One benchmarked convolution (stride 1, 'same' padding unless stated) on one sample.</summary>
public sealed record ConvCase(string Name, ConvShape Shape)
{
    /// <summary>Multiply-adds x 2 of one forward (or one BackwardData) pass.</summary>
    public double Flop => 2.0 * Shape.OutSize * (Shape.InChannels / Shape.Groups) * Shape.KernelHeight * Shape.KernelWidth;

    /// <summary>VGG-16 layers, a pointwise and a depthwise layer, a 1-D sequence layer, and ResNet-50's layers on small
    /// planes (14x14, 7x7) and its stride-2 layers.</summary>
    public static readonly ConvCase[] All =
    [
        new("vgg conv1_1", Same(3, 64, 1, 224, 224, 3)),
        new("vgg conv2_2", Same(128, 128, 1, 112, 112, 3)),
        new("vgg conv3_2", Same(256, 256, 1, 56, 56, 3)),
        new("vgg conv4_2", Same(512, 512, 1, 28, 28, 3)),
        new("vgg conv5_2", Same(512, 512, 1, 14, 14, 3)),
        new("pointwise 256->256 28x28", Same(256, 256, 1, 28, 28, 1)),
        new("depthwise 256 56x56 3x3", Same(256, 256, 256, 56, 56, 3)),
        new("1-D 64->128 len 1000 k9", new ConvShape(64, 128, 1, 1, 1000, 1, 9, 1, 1, 0, 4, 1, 1, 1, 1000)),
        new("resnet 1x1 64->256 56x56", Same(64, 256, 1, 56, 56, 1)),
        new("resnet 1x1 256->64 56x56", Same(256, 64, 1, 56, 56, 1)),
        new("resnet 1x1 256->1024 14x14", Same(256, 1024, 1, 14, 14, 1)),
        new("resnet 1x1 1024->256 14x14", Same(1024, 256, 1, 14, 14, 1)),
        new("resnet 1x1 512->2048 7x7", Same(512, 2048, 1, 7, 7, 1)),
        new("resnet 1x1 2048->512 7x7", Same(2048, 512, 1, 7, 7, 1)),
        new("resnet 3x3 256 14x14", Same(256, 256, 1, 14, 14, 3)),
        new("resnet 3x3 512 7x7", Same(512, 512, 1, 7, 7, 3)),
        new("resnet stem 7x7 s2", Strided(3, 64, 224, 7)),
        new("resnet 3x3 s2 128 -> 28x28", Strided(128, 128, 56, 3)),
        new("pointwise 1152->128 28x28 (its GEMM)", Same(1152, 128, 1, 28, 28, 1)),
        new("resnet 3x3 s2 256 -> 14x14", Strided(256, 256, 28, 3)),
        new("pointwise 2304->256 14x14 (its GEMM)", Same(2304, 256, 1, 14, 14, 1)),
        new("resnet 3x3 s2 512 -> 7x7", Strided(512, 512, 14, 3)),
        new("pointwise 4608->512 7x7 (its GEMM)", Same(4608, 512, 1, 7, 7, 1)),
        new("resnet 1x1 s2 512->1024 -> 14x14", Strided(512, 1024, 28, 1)),
        new("resnet 1x1 s2 1024->2048 -> 7x7", Strided(1024, 2048, 14, 1)),
    ];

    // ResNet-50's stride-2 layers: pads k / 2, output half the input.
    static ConvShape Strided(int cin, int cout, int h, int k) =>
        new(cin, cout, 1, h, h, k, k, 2, 2, k / 2, k / 2, 1, 1, h / 2, h / 2);

    static ConvShape Same(int cin, int cout, int groups, int h, int w, int k) =>
        new(cin, cout, groups, h, w, k, k, 1, 1, k / 2, k / 2, 1, 1, h, w);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
