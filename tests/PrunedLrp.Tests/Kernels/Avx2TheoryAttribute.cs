using System.Runtime.Intrinsics.X86;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>A theory about an AVX2-only kernel: skipped, with the reason, where the CPU (or DOTNET_EnableAVX2=0) has no
/// AVX2; the portable paths that replace the kernel there are covered by the operator tests.</summary>
public sealed class Avx2TheoryAttribute : TheoryAttribute
{
    /// <summary>The skip reason of the AVX2-only tests on this CPU (null with AVX2).</summary>
    internal static string? SkipReason => Avx2.IsSupported ? null : "the kernel under test needs AVX2";

    public Avx2TheoryAttribute() => Skip = SkipReason;
}
