using PrunedLrp.Graph;
using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

/// <summary>Files large enough to be read in two halves on two threads (<c>ModelFileLoader</c>), and parameter arrays
/// large enough to be scanned for non-finite values in two halves: the same results as one pass.</summary>
public class ModelFileLargeTests
{
    // A dense layer of 2,100 x 1,000 weights: an 8.4 MB file, past the size that is read in two halves.
    static ModelSpec LargeDense()
    {
        var rng = new Random(3);
        var weight = new float[2100 * 1000];
        for (int i = 0; i < weight.Length; i++) weight[i] = (float)(rng.NextDouble() - 0.5);
        return new ModelSpec
        {
            InputShape = [1000],
            Nodes =
            [
                new NodeSpec { Kind = OpKind.Input },
                new NodeSpec { Kind = OpKind.Dense, Inputs = [0], WeightShape = [2100, 1000], Weight = weight, Bias = new float[2100] },
            ],
        };
    }

    [Fact]
    public void Read_LargeFile_RoundTripsAndRejectsAFlippedByteInEitherHalf()
    {
        var model = LargeDense();
        string dir = Directory.CreateTempSubdirectory("plrp-large").FullName;
        try
        {
            string path = Path.Combine(dir, "m.plrp");
            ModelFile.Write(model, path);
            var back = ModelFile.Read(path);
            Assert.True(back.Nodes[1].Weight.Span.SequenceEqual(model.Nodes[1].Weight.Span));
            byte[] bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 8 << 20);
            // One byte in the first half, one just past the middle, one in the last chunk and the stored CRC itself.
            foreach (int at in new[] { 100_000, bytes.Length / 2 + 3, bytes.Length - 7, bytes.Length - 1 })
            {
                var corrupted = (byte[])bytes.Clone();
                corrupted[at] ^= 0x40;
                string bad = Path.Combine(dir, $"bad{at}.plrp");
                File.WriteAllBytes(bad, corrupted);
                var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(bad));
                Assert.Contains(bad, e.Message);
                Assert.Contains("checksum", e.Message);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Read_LargeFile_NonFiniteWeightInAnyChunk_IsRejected()
    {
        // The loader marks the chunks it found finite as it read them, and only the parameters outside them are scanned
        // again: a NaN or infinity in the first chunk, on either side of the halves' chunk boundary or in the last
        // chunk must still be found, with its index.
        var model = LargeDense();
        var weight = model.Nodes[1].Weight.ToArray();
        string dir = Directory.CreateTempSubdirectory("plrp-large-nan").FullName;
        try
        {
            int chunkFloats = ModelFileLoader.ChunkBytes / 4;
            foreach (int at in new[] { 0, chunkFloats - 20, chunkFloats + 3, weight.Length / 2, weight.Length - 1 })
            {
                var copy = (float[])weight.Clone();
                copy[at] = at % 2 == 0 ? float.NaN : float.NegativeInfinity;
                var node = model.Nodes[1];
                var bad = new ModelSpec
                {
                    InputShape = model.InputShape,
                    Nodes = [model.Nodes[0], new NodeSpec { Kind = node.Kind, Name = "fc", Inputs = node.Inputs, WeightShape = node.WeightShape, Weight = copy, Bias = node.Bias }],
                };
                string path = Path.Combine(dir, $"nan{at}.plrp");
                File.WriteAllBytes(path, ModelFile.ToBytes(bad));
                var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(path));
                Assert.StartsWith($"{path}: node 1 (fc) weight: value {at} is ", e.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FirstNonFinite_LargeArray_FindsTheFirstInEitherHalf()
    {
        var values = new float[(4 << 20) + 13];
        for (int i = 0; i < values.Length; i++) values[i] = i % 7 - 3f;
        Assert.Equal(-1, FiniteValues.FirstNonFinite(values.AsMemory()));
        int middle = values.Length / 2;
        foreach (int at in new[] { 0, 10, middle - 1, middle, middle + 5, values.Length - 1 })
        {
            var copy = (float[])values.Clone();
            copy[at] = float.NaN;
            copy[^1] = float.PositiveInfinity; // a later one in the second half must not be reported first
            Assert.Equal(at, FiniteValues.FirstNonFinite(copy.AsMemory()));
        }
    }
}
