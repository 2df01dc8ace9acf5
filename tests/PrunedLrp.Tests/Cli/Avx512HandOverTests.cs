using System.Runtime.Intrinsics.X86;
using PrunedLrp.Cli;
using Xunit;

namespace PrunedLrp.Tests.Cli;

/// <summary>When the default Native-AOT binary hands over to its x86-64-v4 companion: the CPUID bits and the kernel's
/// flags it asks for.</summary>
public class Avx512HandOverTests
{
    // The x86-64-v4 level's AVX-512 subsets as the kernel names them (psABI: AVX512F, AVX512BW, AVX512CD, AVX512DQ,
    // AVX512VL), and their bits in CPUID leaf 7 EBX (Intel SDM vol. 2A, CPUID): F 16, DQ 17, CD 28, BW 30, VL 31.
    static readonly (string Flag, int Bit)[] Subsets = [("avx512f", 16), ("avx512dq", 17), ("avx512cd", 28), ("avx512bw", 30), ("avx512vl", 31)];

    static HashSet<string> AllFlags() => ["fpu", "sse2", "avx", "avx2", "fma", .. Subsets.Select(s => s.Flag)];

    static uint AllBits() => Subsets.Aggregate(0u, (bits, s) => bits | 1u << s.Bit);

    /// <summary>Whether /proc/cpuinfo lists every x86-64-v4 AVX-512 subset (null: no /proc/cpuinfo).</summary>
    internal static bool? KernelReportsX8664V4() =>
        Subsets.Select(s => CliTests.CpuInfoFlag(s.Flag)).Aggregate((bool?)true, (all, has) => all is null || has is null ? null : all.Value && has.Value);

    [Fact]
    public void HandsOver_WithEverySubsetInBothCpuIdAndTheKernelFlags()
    {
        Assert.True(AllBits() == Avx512HandOver.X8664V4Bits, $"bits {Avx512HandOver.X8664V4Bits:X8}, the SDM's {AllBits():X8}");
        Assert.True(Avx512HandOver.ShouldHandOver(AllBits(), AllFlags()));
        // Other leaf-7 bits (AVX2 is bit 5, AVX512_IFMA 21) change nothing.
        Assert.True(Avx512HandOver.ShouldHandOver(AllBits() | 1u << 5 | 1u << 21, AllFlags()));
    }

    [Fact]
    public void StaysOnAvx2_WhenAnySubsetIsMissing()
    {
        foreach (var (flag, bit) in Subsets)
        {
            Assert.False(Avx512HandOver.ShouldHandOver(AllBits() & ~(1u << bit), AllFlags()), $"CPUID without bit {bit}");
            var flags = AllFlags();
            flags.Remove(flag);
            // CPUID has it, but the kernel does not list it: it did not enable the AVX-512 registers.
            Assert.False(Avx512HandOver.ShouldHandOver(AllBits(), flags), $"kernel flags without {flag}");
        }
        Assert.False(Avx512HandOver.ShouldHandOver(AllBits(), null));
        Assert.False(Avx512HandOver.ShouldHandOver(0, AllFlags()));
    }

    [Fact]
    public void ParseFlags_ReadsTheFirstProcessorsFlagsLineOnly()
    {
        string[] cpuInfo =
        [
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "vmx flags\t: vnmi preemption_timer avx512f",
            "flags\t\t: fpu sse2 avx2 avx512f  avx512vl",
            "bugs\t\t: sysret_ss_attrs",
            "",
            "processor\t: 1",
            "flags\t\t: fpu avx512bw",
        ];
        var flags = Avx512HandOver.ParseFlags(cpuInfo);
        Assert.NotNull(flags);
        Assert.Equal(new HashSet<string> { "fpu", "sse2", "avx2", "avx512f", "avx512vl" }, flags);
        Assert.Null(Avx512HandOver.ParseFlags(["processor\t: 0", "vmx flags\t: avx512f"]));
        Assert.Null(Avx512HandOver.ParseFlags([]));
    }

    [Fact]
    public void ThisMachine_CpuIdAgreesWithTheKernel()
    {
        // CPUID's bits against the kernel's own reading of them: a wrong bit position fails here on any x64 machine whose
        // kernel lists the subsets (both true on AVX-512 CPUs, both false on AVX2-only ones).
        if (!X86Base.IsSupported || KernelReportsX8664V4() is not bool kernel)
            return; // not x64 Linux: nothing to compare with
        uint ebx = X86Base.CpuId(0, 0).Eax >= 7 ? (uint)X86Base.CpuId(7, 0).Ebx : 0;
        var flags = Avx512HandOver.ParseFlags(File.ReadLines("/proc/cpuinfo"));
        Assert.Equal(kernel, Avx512HandOver.ShouldHandOver(ebx, flags));
        Assert.Equal(kernel, (ebx & Avx512HandOver.X8664V4Bits) == Avx512HandOver.X8664V4Bits);
    }
}
