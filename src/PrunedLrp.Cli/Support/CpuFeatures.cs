using System.Runtime.Intrinsics.X86;

namespace PrunedLrp.Cli;

/// <summary>What the CPU itself reports, whatever instruction sets this binary was compiled for.</summary>
/// <remarks>
/// A Native-AOT binary built for x86-64-v3 sees <c>Avx512F.IsSupported</c> as false on every CPU (it is fixed when the
/// binary is compiled), so it asks CPUID directly, to tell the user when an x86-64-v4 build would run the AVX-512 tile.
/// </remarks>
internal static class CpuFeatures
{
    /// <summary>Whether CPUID reports AVX-512 Foundation (leaf 7, sub-leaf 0, EBX bit 16) and the OS saves its registers
    /// (leaf 1, ECX bit 27, OSXSAVE; the ZMM state bits of XCR0 are not readable from .NET).</summary>
    public static bool CpuHasAvx512F()
    {
        if (!X86Base.IsSupported)
            return false;
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7)
            return false;
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        var (_, ebx7, _, _) = X86Base.CpuId(7, 0);
        return (ecx1 & (1 << 27)) != 0 && (ebx7 & (1 << 16)) != 0;
    }
}
