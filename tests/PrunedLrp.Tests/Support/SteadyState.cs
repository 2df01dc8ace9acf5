namespace PrunedLrp.Tests.Support;

/// <summary>
/// Brings code to its steady state before an allocation measurement. With tiered compilation on (the default), a
/// one-time managed allocation was measured during the first calls after the tier-1 promotion (e.g. ~590 KB once in
/// an explain test; none with DOTNET_TieredCompilation=0), so a few warm-up calls are not enough: run past the
/// promotion threshold (30 calls) and the background compiler's delay (100 ms) first.
/// </summary>
internal static class SteadyState
{
    public static void WarmUp(Action call)
    {
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 20; i++) call();
            Thread.Sleep(150);
        }
    }
}
