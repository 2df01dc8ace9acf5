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

    /// <summary>Depth of a block: one KC x NR panel of B (16 KiB) stays in the 32 KiB L1d while the kernel sweeps A.</summary>
    public const int KC = 256;

    /// <summary>Rows of an A block: MC x KC floats (120 KiB) stay in the 512 KiB L2 of one Zen 3 core.</summary>
    public const int MC = 120;

    /// <summary>Columns of a B block: KC x NC floats (2 MiB) stay in the shared L3.</summary>
    public const int NC = 2048;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
