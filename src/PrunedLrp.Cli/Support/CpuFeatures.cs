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
        uint ebx7 = Leaf7Ebx();
        return ebx7 != 0 && (X86Base.CpuId(1, 0).Ecx & (1 << 27)) != 0 && (ebx7 & (1u << 16)) != 0;
    }

    /// <summary>EBX of CPUID leaf 7, sub-leaf 0 (the AVX2 and AVX-512 feature bits), or 0 where the CPU has no such leaf
    /// or is not x86.</summary>
    public static uint Leaf7Ebx()
    {
        if (!X86Base.IsSupported || X86Base.CpuId(0, 0).Eax < 7)
            return 0;
        return (uint)X86Base.CpuId(7, 0).Ebx;
    }
}
