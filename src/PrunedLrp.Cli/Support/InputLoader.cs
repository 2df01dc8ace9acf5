using PrunedLrp.IO;

namespace PrunedLrp.Cli;

/// <summary>Loads a .npy input and checks it against the model: [N, ...input shape], or one sample without N.</summary>
internal static class InputLoader
{
    public static (float[] Data, int Batch) Load(FileInfo file, Model model) => Load(file, model.InputShape);

    /// <summary>Loads <paramref name="file"/> for a model that reads <paramref name="inputShape"/> (before the model is prepared).</summary>
    public static (float[] Data, int Batch) Load(FileInfo file, IReadOnlyList<int> inputShape)
    {
        var array = NpyFile.Read(file.FullName);
        var shape = array.Shape;
        var want = inputShape;
        bool batched = shape.Length == want.Count + 1 && shape.AsSpan(1).SequenceEqual(want.ToArray());
        bool single = shape.AsSpan().SequenceEqual(want.ToArray());
        if (!batched && !single)
        {
            throw new CliException(
                $"{file.Name}: shape [{string.Join(",", shape)}] does not fit the model input [N,{string.Join(",", want)}]");
        }
        int batch = batched ? shape[0] : 1;
        if (batch == 0)
            throw new CliException($"{file.Name}: holds no samples (N = 0)");
        return (array.Data, batch);
    }
}
