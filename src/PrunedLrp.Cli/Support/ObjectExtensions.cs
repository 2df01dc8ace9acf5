namespace PrunedLrp.Cli;

internal static class ObjectExtensions
{
    /// <summary>Runs <paramref name="action"/> on a non-null value (keeps optional-writer code flat).</summary>
    public static void Let<T>(this T value, Action<T> action) => action(value);
}
