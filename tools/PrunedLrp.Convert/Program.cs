namespace PrunedLrp.Convert;

/// <summary>Entry point placeholder; the converter lands from its branch.</summary>
public static class Program
{
    /// <summary>Runs the converter.</summary>
    public static int Main(string[] args) => 2;
}
