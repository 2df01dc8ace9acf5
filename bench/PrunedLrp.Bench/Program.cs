using System.Globalization;
using BenchmarkDotNet.Running;
using PrunedLrp.Bench;

// `quick [repeats] [filter]`, `quick-conv [repeats] [filter]`, `quick-dense [repeats]` print Stopwatch GFLOP/s tables,
// `quick-crc [repeats]` CRC-32 throughput, `quick-handover [repeats]` a two-thread kernel call's cost, `quick-planes [repeats]` the strided layers' column packing, `quick-lean [repeats] [filter]` the 3x3 convolutions' forward in both memory modes, `quick-listed [repeats]` a ZPlus step's
// products dense and on listed outputs;
// `layers MODEL [repeats]`, `selection MODEL [repeats]`, `lambda MODEL [repeats] [p]` and `scaling [length]` time a
// model's layers, its pruning points' selection, its PLRP-λ pruning and the genomics length scaling; anything else
// goes to BenchmarkDotNet.
int Repeats(int index) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : 7;
if (args.Length > 0 && args[0] == "quick")
{
    QuickGemm.Run(Repeats(1), args.Length > 2 ? args[2] : null);
    return;
}
if (args.Length > 0 && args[0] == "quick-dense")
{
    QuickDense.Run(Repeats(1));
    return;
}
if (args.Length > 0 && args[0] == "quick-lean")
{
    QuickLean.Run(Repeats(1), args.Length > 2 ? args[2] : null);
    return;
}
if (args.Length > 0 && args[0] == "quick-planes")
{
    QuickPlanes.Run(Repeats(1));
    return;
}
if (args.Length > 0 && args[0] == "quick-handover")
{
    QuickHandOver.Run(Repeats(1));
    return;
}
if (args.Length > 0 && args[0] == "quick-crc")
{
    QuickCrc.Run(Repeats(1));
    return;
}
if (args.Length > 0 && args[0] == "quick-listed")
{
    QuickListed.Run(Repeats(1));
    return;
}
if (args.Length > 0 && args[0] == "quick-conv")
{
    QuickConv.Run(Repeats(1), args.Length > 2 ? args[2] : null);
    return;
}
if (args.Length > 1 && args[0] == "layers")
{
    LayerProfile.Run(args[1], Repeats(2));
    return;
}
if (args.Length > 1 && args[0] == "selection")
{
    SelectionPoints.Run(args[1], Repeats(2));
    return;
}
if (args.Length > 1 && args[0] == "lambda")
{
    LambdaPoints.Run(args[1], Repeats(2), args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.9);
    return;
}
if (args.Length > 0 && args[0] == "scaling")
{
    LengthScaling.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
