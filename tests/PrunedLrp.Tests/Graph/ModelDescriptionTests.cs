using PrunedLrp.Graph;
using Xunit;

namespace PrunedLrp.Tests.Graph;

public class ModelDescriptionTests
{
    [Fact]
    public void Format_ListsLayersWithParametersAndFlops()
    {
        // Input [2, 6, 6] -> Conv 3x3 (4 out, bias) -> Relu -> MaxPool 2x2/2 -> Flatten -> Dense [5, 36].
        var model = new ModelSpec
        {
            InputShape = [2, 6, 6],
            Nodes =
            [
                new NodeSpec { Kind = OpKind.Input, Name = "x" },
                new NodeSpec { Kind = OpKind.Conv, Name = "conv", Inputs = [0], Kernel = [3, 3], Strides = [1, 1], PadsBegin = [0, 0], PadsEnd = [0, 0], Dilations = [1, 1], WeightShape = [4, 2, 3, 3], Weight = new float[72], Bias = new float[4] },
                new NodeSpec { Kind = OpKind.Relu, Inputs = [1] },
                new NodeSpec { Kind = OpKind.MaxPool, Inputs = [2], Kernel = [2, 2], Strides = [2, 2], PadsBegin = [0, 0], PadsEnd = [0, 0], Dilations = [1, 1] },
                new NodeSpec { Kind = OpKind.Flatten, Inputs = [3] },
                new NodeSpec { Kind = OpKind.Dense, Name = "fc", Inputs = [4], WeightShape = [5, 16], Weight = new float[80] },
            ],
        };
        string text = ModelDescription.Format(model);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length); // header, 6 nodes, totals
        Assert.Contains("[4x4x4]", lines[2], StringComparison.Ordinal);
        // Conv: 2 * (4*4*4 outputs) * (2 in-channels * 9) = 2304 FLOPs, 76 parameters.
        Assert.Contains("76", lines[2], StringComparison.Ordinal);
        Assert.Contains("2,304", lines[2], StringComparison.Ordinal);
        // Dense: 2 * 5 * 16 = 160.
        Assert.Contains("160", lines[6], StringComparison.Ordinal);
        // Totals: 156 parameters; 2304 + 64 (relu) + 16*4 (pool: 16 outputs x 4) + 160 = 2592 FLOPs.
        Assert.Contains("156 parameters, 2,592 FLOPs", lines[7], StringComparison.Ordinal);
    }
}
