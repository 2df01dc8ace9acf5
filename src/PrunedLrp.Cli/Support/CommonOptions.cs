using System.CommandLine;
using PrunedLrp.Graph;
using PrunedLrp.IO;

namespace PrunedLrp.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "On error, print the full exception with its stack trace", Recursive = true,
    };

    public static Option<FileInfo> Model() => new("--model", "-m")
    {
        Description = "Model file (.plrp) made by plrp-convert", Required = true,
    };

    public static Option<FileInfo> Input(bool required = true) => new("--input", "-i")
    {
        Description = "Input samples as a NumPy .npy array of shape [N, ...model input shape] (or one sample without N); "
            + "float32 preferred, float64/int/bool converted", Required = required,
    };

    public static Option<FileInfo> Out(string what, bool required = true) => new("--out", "-o")
    {
        Description = what, Required = required,
    };

    const string FastHelp = "fast: keep the convolutions' packed, Winograd-transformed and rule-modified weights after "
        + "their first use (explaining then holds about 2-4x the conv weights on top of the model); lean: keep only the "
        + "model's weights and pack (or Winograd-transform) them at every product (peak memory near weights + activations, "
        + "slower per sample once fast's forms are made, but no time spent making them: for a run of a few samples it can be "
        + "faster overall, see the README)";

    public static Option<string> Memory() => new("--memory")
    {
        Description = FastHelp,
        DefaultValueFactory = _ => "fast",
    };

    /// <summary>Runs of at most this many samples explain as fast or faster in the lean mode than in the fast one, whose
    /// weight forms cost more to make than they save (whole <c>plrp explain</c> runs, bench/results/memory-modes.md: at
    /// the code that sped up the lean setup, lean the quicker for 8 images of ResNet-50 and VGG-16 in 5 of 6 paired
    /// rounds, fast the quicker for 10 images in 5 of 6 and for 12 in 6 of 6), with a third (ResNet-50) to 55% (VGG-16)
    /// of the fast mode's peak memory.</summary>
    public const int AutoLeanSamples = 8;

    /// <summary>--memory for <c>explain</c>, which knows its run's length before it prepares the model: also auto.</summary>
    public static Option<string> MemoryWithAuto() => new("--memory")
    {
        Description = $"auto (default): lean for a run of at most {AutoLeanSamples} samples, fast for more (says which on stderr); "
            + FastHelp,
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>Loads <paramref name="model"/> in the memory mode of <paramref name="memory"/> (fast or lean).</summary>
    public static Model LoadModel(ParseResult parse, Option<FileInfo> model, Option<string> memory)
    {
        var mode = MemoryChoice(parse, memory, allowAuto: false)!.Value;
        return PrunedLrp.Model.FromSpec(ReadModel(parse, model), new ModelOptions { Memory = mode });
    }

    /// <summary>Reads and checks the model file without preparing the model, so that its memory mode can wait for the input.</summary>
    public static ModelSpec ReadModel(ParseResult parse, Option<FileInfo> model) => ModelFile.Read(parse.GetValue(model)!.FullName);

    /// <summary>The mode <paramref name="memory"/> names; null for auto (only with <paramref name="allowAuto"/>). Checked
    /// before any file is read, so that a misspelt mode is reported at once.</summary>
    public static MemoryMode? MemoryChoice(ParseResult parse, Option<string> memory, bool allowAuto)
    {
        string mode = (parse.GetValue(memory) ?? "fast").ToLowerInvariant();
        return mode switch
        {
            "fast" => MemoryMode.Fast,
            "lean" => MemoryMode.Lean,
            "auto" when allowAuto => null,
            _ => throw new CliException($"--memory '{mode}': expected {(allowAuto ? "auto, fast or lean" : "fast or lean")}"),
        };
    }

    /// <summary>
    /// Prepares <paramref name="spec"/> in <paramref name="mode"/>, or when that is null (auto) in the lean mode for a
    /// run of at most <see cref="AutoLeanSamples"/> <paramref name="samples"/> and the fast one for more, saying which
    /// on <paramref name="stderr"/>.
    /// </summary>
    public static Model PrepareModel(ModelSpec spec, MemoryMode? mode, int samples, TextWriter stderr)
    {
        if (mode is null)
        {
            mode = samples <= AutoLeanSamples ? MemoryMode.Lean : MemoryMode.Fast;
            string name = mode == MemoryMode.Lean ? "lean" : "fast";
            stderr.WriteLine($"memory: {name} (auto, {samples} sample{(samples == 1 ? "" : "s")}; --memory fast or lean to choose)");
        }
        return PrunedLrp.Model.FromSpec(spec, new ModelOptions { Memory = mode.Value });
    }

    public static Option<string> BatchSize() => new("--batch-size")
    {
        Description = "Samples per call: auto (default) takes as many as keep the call's activations (and, when explaining, "
            + "their relevance) within 256 MB, at most 16 (16 for small models, 1 for VGG-16 or ResNet-50 at 224x224); or a "
            + "count >= 1. Larger batches read each dense weight once for more samples, but memory grows with them and is "
            + "slow to touch the first time",
        DefaultValueFactory = _ => "auto",
    };
}
