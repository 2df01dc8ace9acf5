using System.Globalization;

namespace PrunedLrp.Convert;

/// <summary>Command line of plrp-convert: <c>MODEL.onnx OUT.plrp [--labels labels.txt] [--input-shape C,H,W] [--verbose]</c>.</summary>
internal sealed record ConvertOptions(string Model, string Output, string? Labels, int[]? InputShape, bool Verbose)
{
    public const string Usage = "usage: plrp-convert MODEL.onnx OUT.plrp [--labels labels.txt] [--input-shape C,H,W] [--verbose]";

    /// <summary>Parses <paramref name="args"/>; returns null with <paramref name="error"/> set on a usage error.</summary>
    public static ConvertOptions? Parse(string[] args, out string error)
    {
        var positional = new List<string>();
        string? labels = null;
        int[]? shape = null;
        bool verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--labels" when i + 1 < args.Length:
                    labels = args[++i];
                    break;
                case "--input-shape" when i + 1 < args.Length:
                    shape = ParseShape(args[++i]);
                    if (shape is null)
                    {
                        error = $"--input-shape: '{args[i]}' is not a list of 1 to 3 positive integers like 3,224,224";
                        return null;
                    }
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    error = $"unknown or incomplete option '{a}'";
                    return null;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count != 2)
        {
            error = $"expected MODEL.onnx and OUT.plrp, got {positional.Count} arguments";
            return null;
        }
        error = "";
        return new ConvertOptions(positional[0], positional[1], labels, shape, verbose);
    }

    static int[]? ParseShape(string text)
    {
        var parts = text.Split(',');
        if (parts.Length is < 1 or > 3)
            return null;
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
                return null;
        }
        return dims;
    }
}
