using System.CommandLine;
using PrunedLrp.Cli.Commands;

namespace PrunedLrp.Cli;

/// <summary>Entry point of the <c>plrp</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code. The default Native-AOT binary first hands over
    /// to its AVX-512 build on CPUs that have it (<see cref="Avx512HandOver"/>).</summary>
    public static int Main(string[] args)
    {
        Avx512HandOver.TryHandOver(args);
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs the command line with the given writers (tests use this).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "plrp: explain neural-network predictions with LRP and Pruned LRP (pure managed, no native code).\n"
            + "Convert an ONNX model with plrp-convert, then predict, explain or evaluate it. Start with: plrp demo")
        {
            DemoCommand.Create(stdout, stderr),
            PredictCommand.Create(stdout, stderr),
            ExplainCommand.Create(stdout, stderr),
            EvaluateCommand.Create(stdout, stderr),
            InspectCommand.Create(stdout, stderr),
            BenchCommand.Create(stdout, stderr),
        };
        root.Options.Add(CommonOptions.Verbose);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        var parse = root.Parse(args);
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Expected failures are reported by each command; this is the last resort for a bug: still one line.
            stderr.WriteLine($"plrp: internal error: {e.GetType().Name}: {e.Message} (please report it; --verbose shows the stack trace)");
            if (parse.GetValue(CommonOptions.Verbose))
                stderr.WriteLine(e.ToString());
            return 3;
        }
    }
}
