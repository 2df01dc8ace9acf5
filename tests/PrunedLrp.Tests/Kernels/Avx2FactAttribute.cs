using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>A fact about an AVX2-only kernel, skipped with the reason where the CPU (or DOTNET_EnableAVX2=0) has no
/// AVX2 (see <see cref="Avx2TheoryAttribute"/>).</summary>
public sealed class Avx2FactAttribute : FactAttribute
{
    public Avx2FactAttribute() => Skip = Avx2TheoryAttribute.SkipReason;
}
