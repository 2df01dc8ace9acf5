using PrunedLrp.Graph;

namespace PrunedLrp.IO;

// Placeholder until the model-file reader lands (branch `convert`); replaced by the real reader/writer.
internal static class ModelFile
{
    public static ModelSpec Read(string path) => throw new NotSupportedException("model files are not readable yet: " + path);
}
