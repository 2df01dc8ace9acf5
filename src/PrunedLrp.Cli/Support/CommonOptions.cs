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

    public static Option<int> BatchSize() => new("--batch-size")
    {
        Description = "Samples processed together (memory grows with it)", DefaultValueFactory = _ => 16,
    };
}
