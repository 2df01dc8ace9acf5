using System.Globalization;
using BenchmarkDotNet.Running;
using PrunedLrp.Bench;

// Stopwatch commands (anything else goes to BenchmarkDotNet):
// - `quick [repeats] [filter]`, `quick-conv [repeats] [filter]`, `quick-dense [repeats]`: GFLOP/s tables;
// - `quick-crc [repeats]`: CRC-32 throughput; `quick-handover [repeats]`: a two-thread kernel call's cost;
// - `quick-planes [repeats]`: the strided layers' column packing; `quick-lean [repeats] [filter]`: the 3x3
//   convolutions' forward in both memory modes; `quick-listed [repeats]`: a ZPlus step's products dense and on listed
//   outputs;
// - `layers MODEL [repeats]`, `selection MODEL [repeats]`, `lambda MODEL [repeats] [p]`, `scaling [length]`: a model's
//   layers, its pruning points' selection, its PLRP-λ pruning and the genomics length scaling.
int Repeats(int index) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : 7;
string? Filter() => args.Length > 2 ? args[2] : null;
Action? command = args.Length == 0 ? null : args[0] switch
{
    "quick" => () => QuickGemm.Run(Repeats(1), Filter()),
    "quick-dense" => () => QuickDense.Run(Repeats(1)),
    "quick-lean" => () => QuickLean.Run(Repeats(1), Filter()),
    "quick-planes" => () => QuickPlanes.Run(Repeats(1)),
    "quick-handover" => () => QuickHandOver.Run(Repeats(1)),
    "quick-crc" => () => QuickCrc.Run(Repeats(1)),
    "quick-listed" => () => QuickListed.Run(Repeats(1)),
    "quick-conv" => () => QuickConv.Run(Repeats(1), Filter()),
    "layers" when args.Length > 1 => () => LayerProfile.Run(args[1], Repeats(2)),
    "selection" when args.Length > 1 => () => SelectionPoints.Run(args[1], Repeats(2)),
    "lambda" when args.Length > 1 => () =>
        LambdaPoints.Run(args[1], Repeats(2), args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.9),
    "scaling" => () => LengthScaling.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000),
    _ => null,
};
if (command != null)
{
    command();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
