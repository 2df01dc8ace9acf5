using System.CommandLine;
using PrunedLrp.Cli.Commands;

namespace PrunedLrp.Cli;

/// <summary>Entry point of the <c>plrp</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

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
        return root.Parse(args).Invoke(config);
    }
}
