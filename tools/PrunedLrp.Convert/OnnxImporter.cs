using PrunedLrp.Convert.Onnx;
using PrunedLrp.Graph;

namespace PrunedLrp.Convert;

/// <summary>
/// Translates an ONNX graph into a <see cref="ModelSpec"/>. Nodes are visited in the graph's (topological) order; each
/// ONNX tensor name maps to a <see cref="TensorValue"/>: a layer output, a constant, or a pending zero Pad. Constant
/// shape computations are evaluated, Identity/Dropout become aliases, and rewrites (Rewrites/) fold BatchNorm, Pad and
/// flattening Reshapes. Layers no path reaches the graph output from are dropped.
/// </summary>
internal sealed partial class OnnxImporter
{
    /// <summary>Default-domain opsets accepted (PyTorch exports 11..18; older ones differ in ops we read).</summary>
    public const int MinOpset = 9, MaxOpset = 18;

    readonly Dictionary<string, TensorValue> _values = new(StringComparer.Ordinal);

    // Initializers are decoded on first use, so an unused one of an unsupported type does not stop the conversion.
    readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);
    readonly List<LayerBuilder> _layers = [];
    long _opset;

    /// <summary>Converts <paramref name="model"/>; <paramref name="inputShape"/> (without batch) fixes dims the
    /// graph input leaves symbolic.</summary>
    /// <exception cref="ConversionException">The model uses something unsupported or is inconsistent.</exception>
    public static ModelSpec Import(ModelProto model, int[]? inputShape) => new OnnxImporter().Run(model, inputShape);

    ModelSpec Run(ModelProto model, int[]? inputShape)
    {
        var graph = model.Graph ?? throw new ConversionException("model: has no graph");
        _opset = ReadOpset(model);
        foreach (var init in graph.Initializer)
            _initializers[init.Name] = init;
        foreach (var node in graph.Node)
        {
            foreach (string name in node.Input)
                _readers[name] = _readers.GetValueOrDefault(name) + 1;
        }
        if (graph.Output.Count != 1)
            throw new ConversionException($"graph: has {graph.Output.Count} outputs; exactly one (the logits) is supported");
        string outputName = graph.Output[0].Name;
        _readers[outputName] = _readers.GetValueOrDefault(outputName) + 1;

        var input = AddInput(graph, inputShape);
        foreach (var node in graph.Node)
            ImportNode(node);

        if (!_values.TryGetValue(outputName, out var output))
            throw new ConversionException($"graph: output '{outputName}' is produced by no node");
        if (output is not ActivationValue { Layer: var last })
            throw new ConversionException($"graph: output '{outputName}' is {Describe(output)}, not a computed tensor");
        var spec = Assemble(input, last);
        CheckDeclaredOutput(graph.Output[0], ShapeInference.Infer(spec)[^1]);
        return spec;
    }

    long ReadOpset(ModelProto model)
    {
        long opset = -1;
        foreach (var id in model.OpsetImport)
        {
            if (id.Domain is "" or "ai.onnx")
                opset = id.Version;
        }
        if (opset < MinOpset || opset > MaxOpset)
            throw new ConversionException($"model: default-domain opset {opset} is not supported ({MinOpset}..{MaxOpset} are)");
        return opset;
    }

    LayerBuilder AddInput(GraphProto graph, int[]? overrideShape)
    {
        var inputs = graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new ConversionException($"graph: has {inputs.Count} non-constant inputs ({string.Join(", ", inputs.Select(i => i.Name))}); exactly one is supported");
        var info = inputs[0];
        var tensorType = info.Type?.TensorType ?? throw new ConversionException($"graph input '{info.Name}': is not a tensor");
        if (tensorType.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new ConversionException($"graph input '{info.Name}': element type {tensorType.ElemType} is not float32 (1)");
        var dims = tensorType.Shape?.Dim.ToList() ?? [];
        if (dims.Count < 2 && overrideShape is null)
            throw new ConversionException($"graph input '{info.Name}': has no shape [batch, ...]; pass --input-shape");
        int[] shape;
        if (overrideShape is not null)
        {
            if (dims.Count != 0 && dims.Count != overrideShape.Length + 1)
                throw new ConversionException($"--input-shape: has {overrideShape.Length} dims, graph input '{info.Name}' has {dims.Count - 1} after the batch dim");
            for (int i = 1; i < dims.Count; i++)
            {
                if (dims[i].HasDimValue && dims[i].DimValue != overrideShape[i - 1])
                    throw new ConversionException($"--input-shape: dim {i} is {overrideShape[i - 1]}, graph input '{info.Name}' fixes it to {dims[i].DimValue}");
            }
            shape = overrideShape;
        }
        else
        {
            shape = new int[dims.Count - 1];
            for (int i = 1; i < dims.Count; i++)
            {
                if (!dims[i].HasDimValue || dims[i].DimValue < 1 || dims[i].DimValue > int.MaxValue)
                    throw new ConversionException($"graph input '{info.Name}': dim {i} is {(dims[i].HasDimParam ? $"symbolic '{dims[i].DimParam}'" : "unknown")}; pass --input-shape");
                shape[i - 1] = (int)dims[i].DimValue;
            }
        }
        if (shape.Length is < 1 or > 3)
            throw new ConversionException($"graph input '{info.Name}': {shape.Length} dims after the batch dim; 1 to 3 are supported");
        var layer = new LayerBuilder { Kind = OpKind.Input, Name = info.Name, Shape = shape, OnnxShape = shape, Readers = _readers.GetValueOrDefault(info.Name) };
        _layers.Add(layer);
        _values[info.Name] = new ActivationValue(layer);
        return layer;
    }

    /// <summary>Keeps the layers the output depends on, in creation order (which is topological), and numbers them.</summary>
    ModelSpec Assemble(LayerBuilder input, LayerBuilder output)
    {
        var live = new HashSet<LayerBuilder>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<LayerBuilder>([output]);
        while (stack.Count > 0)
        {
            var layer = stack.Pop();
            if (live.Add(layer))
            {
                foreach (var i in layer.Inputs)
                    stack.Push(i);
            }
        }
        if (!live.Contains(input))
            throw new ConversionException("graph: the output does not depend on the input");
        var ids = new Dictionary<LayerBuilder, int>(ReferenceEqualityComparer.Instance);
        var nodes = new List<NodeSpec>();
        foreach (var layer in _layers.Where(live.Contains))
        {
            ids[layer] = nodes.Count;
            nodes.Add(layer.ToNode(layer.Inputs.Select(i => ids[i]).ToArray()));
        }
        var spec = new ModelSpec { InputShape = input.Shape, Nodes = nodes };
        try
        {
            ShapeInference.Infer(spec);
        }
        catch (InvalidDataException e)
        {
            throw new ConversionException($"converted graph: {e.Message}", e);
        }
        return spec;
    }

    /// <summary>Sanity check: our output shape must match what the ONNX graph declares for its output, if it does.</summary>
    static void CheckDeclaredOutput(ValueInfoProto output, int[] shape)
    {
        var dims = output.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count == 0 || dims.Skip(1).Any(d => !d.HasDimValue))
            return;
        long declared = 1;
        foreach (var d in dims.Skip(1))
            declared *= d.DimValue;
        if (declared != ShapeInference.Elements(shape))
            throw new ConversionException($"graph output '{output.Name}': declares [{string.Join(",", dims.Skip(1).Select(d => d.DimValue))}] per sample, the converted model computes [{string.Join(",", shape)}]");
    }

    static string Describe(TensorValue value) => value switch
    {
        ConstantValue => "a constant",
        PaddedValue p => $"the output of Pad '{p.PadNode}'",
        ActivationValue a => $"the output of {a.Layer}",
        _ => value.GetType().Name,
    };
}
