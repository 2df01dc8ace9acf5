using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PrunedLrp.Graph;
using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

public class ModelFileTests
{
    public static TheoryData<int> Seeds() => new(Enumerable.Range(0, 60));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RoundTrip_RandomSpecs_AreIdentical(int seed)
    {
        var model = ModelFileRandomSpecs.Create(seed);
        byte[] bytes = ModelFile.ToBytes(model);
        var back = ModelFile.Read(bytes, $"seed {seed}");
        AssertSame(model, back);
        // Writing what was read gives the same bytes: the format has a single encoding of a model.
        Assert.Equal(bytes, ModelFile.ToBytes(back));
    }

    [Fact]
    public void RoundTrip_CoversEveryOpKindAndBothSpatialRanks()
    {
        var specs = Enumerable.Range(0, 60).Select(ModelFileRandomSpecs.Create).ToList();
        foreach (var kind in Enum.GetValues<OpKind>())
            Assert.Contains(specs, s => s.Nodes.Any(n => n.Kind == kind));
        Assert.Contains(specs, s => s.InputShape.Length == 2);
        Assert.Contains(specs, s => s.InputShape.Length == 3);
        Assert.Contains(specs, s => s.Labels.Count > 0);
        Assert.Contains(specs, s => s.Nodes.Any(n => n.Kind == OpKind.Dense && n.Bias.IsEmpty));
    }

    [Fact]
    public void ReadPath_MatchesReadBytes_AndParametersShareOneArray()
    {
        var model = ModelFileRandomSpecs.Create(7);
        string dir = Directory.CreateTempSubdirectory("plrp-modelfile").FullName;
        try
        {
            string path = Path.Combine(dir, "m.plrp");
            ModelFile.Write(model, path);
            Assert.Equal(["m.plrp"], Directory.GetFiles(dir).Select(Path.GetFileName)); // no temporary left behind
            var back = ModelFile.Read(path);
            AssertSame(model, back);
            // "Copies at most once": every parameter is a slice of one array (the file buffer).
            var arrays = back.Nodes.SelectMany(n => new[] { n.Weight, n.Bias }).Where(m => !m.IsEmpty)
                .Select(m => MemoryMarshal.TryGetArray(m, out var segment) ? segment.Array : null).Distinct().ToList();
            Assert.Single(arrays);
            Assert.NotNull(arrays[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Read_FromBytes_ParametersShareOneArray()
    {
        var back = ModelFile.Read(ModelFile.ToBytes(ModelFileRandomSpecs.Create(3)), "mem");
        var arrays = back.Nodes.SelectMany(n => new[] { n.Weight, n.Bias }).Where(m => !m.IsEmpty)
            .Select(m => MemoryMarshal.TryGetArray(m, out var segment) ? segment.Array : null).Distinct().ToList();
        Assert.Single(arrays);
    }

    [Fact]
    public void Write_ReplacesExistingFile()
    {
        string dir = Directory.CreateTempSubdirectory("plrp-modelfile").FullName;
        try
        {
            string path = Path.Combine(dir, "m.plrp");
            File.WriteAllText(path, "old");
            ModelFile.Write(ModelFileRandomSpecs.Create(1), path);
            AssertSame(ModelFileRandomSpecs.Create(1), ModelFile.Read(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Layout_SmallDenseModel_HasTheDocumentedOffsets()
    {
        // docs/model-format.md worked example: Input [4] -> Dense [2, 4] with bias, no names, no labels.
        byte[] f = ModelFile.ToBytes(ModelFileCrafting.SmallDense());
        Assert.Equal("PLRPMODL"u8.ToArray(), f[..8]);
        Assert.Equal(1u, U32(f, 8));
        Assert.Equal((ulong)f.Length, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(16)));
        Assert.Equal(2u, U32(f, 24));
        Assert.Equal(0u, U32(f, 28));
        Assert.Equal(192ul, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(32)));
        Assert.Equal(72ul, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(40))); // weight 32 bytes, pad to 64, bias 8
        Assert.Equal(1u, U32(f, 48));      // input rank
        Assert.Equal(4u, U32(f, 52));      // input dim
        Assert.Equal(0u, U32(f, 56));      // node 0 kind Input
        Assert.Equal(1u, U32(f, ModelFileCrafting.Node1));               // node 1 kind Dense
        Assert.Equal(2u, U32(f, ModelFileCrafting.Node1WeightRank));     // weight rank
        Assert.Equal(2u, U32(f, ModelFileCrafting.Node1WeightRank + 4)); // [2, 4]
        Assert.Equal(64ul, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(ModelFileCrafting.Node1BiasLength + 4)));
        Assert.Equal(192 + 72 + 4, f.Length);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(f.AsSpan(192)));
        Assert.Equal(ModelFileCrafting.Crc(f.AsSpan(0, f.Length - 4)), U32(f, f.Length - 4));
    }

    static uint U32(byte[] f, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(offset));

    internal static void AssertSame(ModelSpec expected, ModelSpec actual)
    {
        Assert.Equal(expected.InputShape, actual.InputShape);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Nodes.Count, actual.Nodes.Count);
        for (int i = 0; i < expected.Nodes.Count; i++)
        {
            NodeSpec e = expected.Nodes[i], a = actual.Nodes[i];
            Assert.Equal(e.Kind, a.Kind);
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Inputs, a.Inputs);
            Assert.Equal(e.Kernel, a.Kernel);
            Assert.Equal(e.Strides, a.Strides);
            Assert.Equal(e.PadsBegin, a.PadsBegin);
            Assert.Equal(e.PadsEnd, a.PadsEnd);
            Assert.Equal(e.Dilations, a.Dilations);
            Assert.Equal(e.Groups, a.Groups);
            Assert.Equal(e.CountIncludePad, a.CountIncludePad);
            Assert.Equal(e.CeilMode, a.CeilMode);
            Assert.Equal(e.WeightShape, a.WeightShape);
            Assert.Equal(Bits(e.Weight), Bits(a.Weight));
            Assert.Equal(Bits(e.Bias), Bits(a.Bias));
        }
    }

    static int[] Bits(ReadOnlyMemory<float> values) => MemoryMarshal.Cast<float, int>(values.Span).ToArray();
}
