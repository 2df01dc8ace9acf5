using System.CommandLine;

namespace PrunedLrp.Cli;

/// <summary>Runs a command body and turns expected failures (bad files, bad arguments) into one clear line on stderr
/// and exit code 1; with --verbose the stack trace is printed too.</summary>
internal static class CliRunner
{
    public static int Run(ParseResult parse, TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException
            or NotSupportedException or FormatException or OverflowException or CliException or InvalidOperationException)
        {
            stderr.WriteLine($"plrp: error: {e.Message}");
            if (parse.GetValue(CommonOptions.Verbose))
                stderr.WriteLine(e.ToString());
            return 1;
        }
    }
}
