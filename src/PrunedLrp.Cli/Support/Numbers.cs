using System.Globalization;

namespace PrunedLrp.Cli;

/// <summary>Comma-separated number lists in options, parsed with the invariant culture.</summary>
internal static class Numbers
{
    public static float[] ParseFloats(string text, string what)
        => Array.ConvertAll(Split(text, what), s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)
            ? v : throw new CliException($"{what}: '{s}' is not a number"));

    public static double[] ParseDoubles(string text, string what)
        => Array.ConvertAll(Split(text, what), s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new CliException($"{what}: '{s}' is not a number"));

    public static int[] ParseInts(string text, string what)
        => Array.ConvertAll(Split(text, what), s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new CliException($"{what}: '{s}' is not a whole number"));

    static string[] Split(string text, string what)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(p => p.Length == 0))
            throw new CliException($"{what}: '{text}' is not a comma-separated list of numbers");
        return parts;
    }
}
