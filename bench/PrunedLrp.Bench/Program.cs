using BenchmarkDotNet.Running;
using PrunedLrp.Bench;

// `quick [repeats] [filter]` prints a Stopwatch GFLOP/s table; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "quick")
{
    QuickGemm.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7, args.Length > 2 ? args[2] : null);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
