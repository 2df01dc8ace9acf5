namespace PrunedLrp.Kernels;

/// <summary>
/// Register and cache block sizes shared by the GEMM driver, the packers and <see cref="PackedMatrix"/> (a pre-packed
/// matrix is only valid for the block sizes it was packed with, so they live in one place).
/// </summary>
internal static class GemmBlocking
{
    /// <summary>Rows of the register tile: 6 rows x 2 Vector256 = 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 ymm.</summary>
    public const int MR = 6;

    /// <summary>Columns of the register tile (two Vector256&lt;float&gt;).</summary>
    public const int NR = 16;

    /// <summary>Largest depth of a block: one KC x NR panel of B (16 KiB) plus an A micro-panel (6 KiB) stay in the
    /// 32 KiB L1d while the kernel sweeps A (288 was no faster on VGG-16's convolutions in 4 interleaved runs).</summary>
    public const int KC = 256;

    /// <summary>
    /// The depth step of a product with depth k: k split into equal blocks of at most <see cref="KC"/>, so no block is
    /// a short remainder (k = 576 runs as 3 x 192, not 256 + 256 + 64, which would store C a third time for 64 terms).
    /// Every block but the last is this deep; packers and the driver must use the same step.
    /// </summary>
    public static int DepthStep(int k)
    {
        int blocks = Math.Max(1, (k + KC - 1) / KC);
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Rows of an A block: MC x KC floats (120 KiB) stay in the 512 KiB L2 of one Zen 3 core.</summary>
    public const int MC = 120;

    /// <summary>Columns of a B block: KC x NC floats (2 MiB) stay in the shared L3.</summary>
    public const int NC = 2048;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
