using System.CommandLine;

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

    public static Option<string> Memory() => new("--memory")
    {
        Description = "fast (default): keep the convolutions' packed, Winograd-transformed and rule-modified weights after "
            + "their first use (explaining then holds about 2-4x the conv weights on top of the model); lean: keep only the "
            + "model's weights and pack (or Winograd-transform) them at every product (peak memory near weights + activations, "
            + "slower per sample once fast's forms are made, but no time spent making them: for a run of a few samples it can be "
            + "faster overall, see the README)",
        DefaultValueFactory = _ => "fast",
    };

    /// <summary>Loads <paramref name="model"/> in the memory mode of <paramref name="memory"/>.</summary>
    public static Model LoadModel(ParseResult parse, Option<FileInfo> model, Option<string> memory)
    {
        string mode = (parse.GetValue(memory) ?? "fast").ToLowerInvariant();
        var options = new ModelOptions
        {
            Memory = mode switch
            {
                "fast" => MemoryMode.Fast,
                "lean" => MemoryMode.Lean,
                _ => throw new CliException($"--memory '{mode}': expected fast or lean"),
            },
        };
        return PrunedLrp.Model.Load(parse.GetValue(model)!.FullName, options);
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
