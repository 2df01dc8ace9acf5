using PrunedLrp.Kernels;

namespace PrunedLrp.Bench;

/// <summary>One benchmarked convolution (stride 1, 'same' padding unless stated) on one sample.</summary>
public sealed record ConvCase(string Name, ConvShape Shape)
{
    /// <summary>Multiply-adds x 2 of one forward (or one BackwardData) pass.</summary>
    public double Flop => 2.0 * Shape.OutSize * (Shape.InChannels / Shape.Groups) * Shape.KernelHeight * Shape.KernelWidth;

    /// <summary>VGG-16 layers, a pointwise and a depthwise layer, and a 1-D sequence layer.</summary>
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
    ];

    static ConvShape Same(int cin, int cout, int groups, int h, int w, int k) =>
        new(cin, cout, groups, h, w, k, k, 1, 1, k / 2, k / 2, 1, 1, h, w);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
