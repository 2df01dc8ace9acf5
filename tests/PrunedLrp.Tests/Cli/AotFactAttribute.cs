using Xunit;

namespace PrunedLrp.Tests.Cli;

/// <summary>A test of the Native-AOT binary named by PLRP_AOT_BINARY (CI publishes it first); skipped without it.</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute()
    {
        if (string.IsNullOrEmpty(AotBinary))
            Skip = "set PLRP_AOT_BINARY to a published Native-AOT plrp (see .ci/run)";
    }

    public static string? AotBinary => Environment.GetEnvironmentVariable("PLRP_AOT_BINARY");
}
