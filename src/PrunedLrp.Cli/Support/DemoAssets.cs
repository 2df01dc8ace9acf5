using PrunedLrp.IO;

namespace PrunedLrp.Cli;

/// <summary>The demo's embedded models and samples (one trained image model, one trained genomics model).</summary>
internal static class DemoAssets
{
    public static Model LoadModel(string name) => Model.FromSpec(ModelFile.Read(Bytes($"demo/{name}/model.plrp"), $"embedded {name} model"));

    public static NpyArray LoadArray(string name, string file) => NpyFile.Read(Bytes($"demo/{name}/{file}"), $"embedded {name}/{file}");

    static byte[] Bytes(string resource)
    {
        using var stream = typeof(DemoAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the CLI was built without its demo resource '{resource}'");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
