using Google.Protobuf;
using PrunedLrp.Convert.Onnx;

namespace PrunedLrp.Tests.Convert;

/// <summary>Builds small ONNX models in code with the generated protobuf classes, the way PyTorch lays them out.</summary>
internal sealed class OnnxBuilder
{
    readonly GraphProto _graph = new() { Name = "test" };
    readonly int _opset;
    int _next;

    /// <summary>A model with one float input "x" of <paramref name="dims"/> (batch first; -1 = symbolic).</summary>
    public OnnxBuilder(int opset, params long[] dims)
    {
        _opset = opset;
        _graph.Input.Add(ValueInfo("x", dims));
    }

    public const string X = "x";

    public static ValueInfoProto ValueInfo(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] < 0 ? new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "N" : $"d{i}" } : new TensorShapeProto.Types.Dimension { DimValue = dims[i] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    public static TensorProto FloatTensor(string name, float[] values, long[] dims, bool raw = true)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(dims);
        if (raw)
        {
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            t.RawData = ByteString.CopyFrom(bytes);
        }
        else
        {
            t.FloatData.Add(values);
        }
        return t;
    }

    public static TensorProto IntTensor(string name, long[] values, long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(dims);
        t.Int64Data.Add(values);
        return t;
    }

    public string Init(float[] values, params long[] dims)
    {
        string name = $"w{_next++}";
        _graph.Initializer.Add(FloatTensor(name, values, dims));
        return name;
    }

    public string InitInts(long[] values, params long[] dims)
    {
        string name = $"i{_next++}";
        _graph.Initializer.Add(IntTensor(name, values, dims));
        return name;
    }

    /// <summary>Adds a node with one output (named after the node) and returns that output's name.</summary>
    public string Node(string op, string[] inputs, params AttributeProto[] attributes) => NodeWithOutputs(op, inputs, 1, attributes)[0];

    public string[] NodeWithOutputs(string op, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        string name = $"/{op.ToLowerInvariant()}_{_next++}";
        var node = new NodeProto { Name = name, OpType = op };
        node.Input.Add(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => $"{name}_out{i}").ToArray();
        node.Output.Add(names);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return names;
    }

    public string Constant(long[] values, params long[] dims) =>
        Node("Constant", [], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = IntTensor("c", values, dims) });

    public ModelProto Build(string output, params long[] outputDims)
    {
        _graph.Output.Add(ValueInfo(output, outputDims));
        var model = new ModelProto { IrVersion = 8, Graph = _graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opset });
        return model;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Str(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static float[] Random(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
}
