namespace PrunedLrp.Cli;

/// <summary>A user error the CLI reports as one line (bad option combination, shape mismatch, ...).</summary>
internal sealed class CliException(string message) : Exception(message)
{
}
