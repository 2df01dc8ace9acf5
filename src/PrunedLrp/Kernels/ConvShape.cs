namespace PrunedLrp.Kernels;

/// <summary>
/// Geometry of a 1-D or 2-D convolution or pooling window on one sample laid out [C, H, W]. A 1-D op is a 2-D op
/// with H = 1, kernel height 1, stride/dilation 1 and no vertical padding.
/// </summary>
public readonly record struct ConvShape(
    int InChannels, int OutChannels, int Groups,
    int InHeight, int InWidth,
    int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int PadTop, int PadLeft,
    int DilationHeight, int DilationWidth,
    int OutHeight, int OutWidth)
{
    /// <summary>Input elements per sample: InChannels * InHeight * InWidth.</summary>
    public int InSize => InChannels * InHeight * InWidth;

    /// <summary>Output elements per sample: OutChannels * OutHeight * OutWidth.</summary>
    public int OutSize => OutChannels * OutHeight * OutWidth;

    /// <summary>Weight elements: OutChannels * (InChannels / Groups) * KernelHeight * KernelWidth.</summary>
    public int WeightSize => OutChannels * (InChannels / Groups) * KernelHeight * KernelWidth;
}
