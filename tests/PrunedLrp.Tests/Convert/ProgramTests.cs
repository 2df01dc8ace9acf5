using Google.Protobuf;
using PrunedLrp.IO;
using Xunit;
using static PrunedLrp.Tests.Convert.OnnxBuilder;

namespace PrunedLrp.Tests.Convert;

/// <summary>The plrp-convert command line end to end, through <see cref="PrunedLrp.Convert.Program.Run"/>.</summary>
public sealed class ProgramTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("plrp-convert").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Path(string name) => System.IO.Path.Combine(_dir, name);

    (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PrunedLrp.Convert.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    string WriteOnnx(Func<OnnxBuilder, string> body, params long[] inputDims)
    {
        var g = new OnnxBuilder(13, inputDims);
        string y = body(g);
        string path = Path(Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllBytes(path, g.Build(y).ToByteArray());
        return path;
    }

    string Classifier() => WriteOnnx(g => g.Node("Gemm", [X, g.Init([1, 2, 3, 4, 5, 6], 3, 2)], Int("transB", 1)), -1, 2);

    [Fact]
    public void Success_WritesModel_PrintsSummary_WithLabels()
    {
        File.WriteAllText(Path("labels.txt"), "cat\ndog\nbird\n");
        var (code, stdout, stderr) = Run(Classifier(), Path("out.plrp"), "--labels", Path("labels.txt"));
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("1 layers (1 Dense), 6 parameters, input [2], 3 output classes (3 labels)", stdout, StringComparison.Ordinal);
        var model = ModelFile.Read(Path("out.plrp"));
        Assert.Equal(["cat", "dog", "bird"], model.Labels);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], model.Nodes[1].Weight.ToArray());
    }

    [Fact]
    public void Verbose_PrintsLayerTable()
    {
        var (code, stdout, _) = Run(Classifier(), Path("out.plrp"), "--verbose");
        Assert.Equal(0, code);
        Assert.Contains("FLOPs", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void InputShapeOption_FixesSymbolicDims()
    {
        string onnx = WriteOnnx(g => g.Node("Relu", [X]), -1, 2, -1);
        var (code, _, stderr) = Run(onnx, Path("a.plrp"));
        Assert.Equal(1, code);
        Assert.Contains("--input-shape", stderr, StringComparison.Ordinal);
        (code, var stdout, _) = Run(onnx, Path("a.plrp"), "--input-shape", "2,17");
        Assert.Equal(0, code);
        Assert.Contains("input [2,17]", stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Failures() => new()
    {
        { "unsupported", "'Sigmoid'" },
        { "labels", "--labels" },
        { "garbage", "plrp-convert: " },
        { "missing", "file not found" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failure_IsOneLineOnStderr_ExitCode1_NoOutputFile(string kind, string fragment)
    {
        string model = kind switch
        {
            "unsupported" => WriteOnnx(g => g.Node("Sigmoid", [X]), -1, 2),
            "garbage" => Path("garbage.onnx"),
            "missing" => Path("missing.onnx"),
            _ => Classifier(),
        };
        File.WriteAllBytes(Path("garbage.onnx"), [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
        File.WriteAllText(Path("labels.txt"), "only-one\n");
        var args = kind == "labels" ? new[] { model, Path("out.plrp"), "--labels", Path("labels.txt") } : [model, Path("out.plrp")];
        var (code, stdout, stderr) = Run(args);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains(fragment, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path("out.plrp")));
    }

    [Theory]
    [InlineData()]
    [InlineData("only-one")]
    [InlineData("a", "b", "--input-shape", "3,x")]
    [InlineData("a", "b", "--frobnicate")]
    public void UsageErrors_ExitCode2(params string[] args)
    {
        var (code, _, stderr) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains("usage: plrp-convert", stderr, StringComparison.Ordinal);
    }
}
