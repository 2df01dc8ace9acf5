using Xunit;

namespace PrunedLrp.Tests.Support;

/// <summary>Runs plrp and plrp-convert in-process, as a user would from the shell, capturing their output.</summary>
internal static class CommandLine
{
    public static (int Code, string Out, string Err) Plrp(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PrunedLrp.Cli.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static (int Code, string Out, string Err) Convert(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PrunedLrp.Convert.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static readonly Dictionary<string, string> Converted = [];

    /// <summary>Converts a fixture model once per test run and returns the .plrp path.</summary>
    public static string ConvertedModel(string onnx)
    {
        lock (Converted)
        {
            if (Converted.TryGetValue(onnx, out var path))
                return path;
            path = TempFile(".plrp");
            var (code, _, err) = Convert(onnx, path);
            Assert.True(code == 0, $"plrp-convert {onnx} failed: {err}");
            Converted[onnx] = path;
            return path;
        }
    }

    public static string TempFile(string extension)
    {
        string dir = Path.Combine(Path.GetTempPath(), "plrp-tests");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, Guid.NewGuid().ToString("N") + extension);
    }
}
