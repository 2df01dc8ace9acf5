using PrunedLrp.Convert.Onnx;
using PrunedLrp.Graph;

namespace PrunedLrp.Convert;

/// <summary>Lookup of node inputs by kind, outputs, aliases, and the shared window attributes.</summary>
internal sealed partial class OnnxImporter
{
    /// <summary>Window attributes after defaults: all arrays have one entry per spatial axis.</summary>
    readonly record struct WindowAttributes(int[] Kernel, int[] Strides, int[] Begin, int[] End, int[] Dilations);

    const int MaxWindowValue = 1 << 20;

    static bool HasInput(NodeProto node, int index) => index < node.Input.Count && node.Input[index].Length > 0;

    TensorValue In(NodeProto node, int index, string where)
    {
        if (!HasInput(node, index))
            throw new ConversionException($"{where}: input {index} is missing");
        string name = node.Input[index];
        if (_values.TryGetValue(name, out var value))
            return value;
        if (_initializers.TryGetValue(name, out var init))
            return _values[name] = OnnxTensors.Decode(init, $"initializer '{name}'");
        throw new ConversionException($"{where}: input '{name}' is not produced by an earlier node (the graph must be topologically sorted)");
    }

    LayerBuilder Activation(NodeProto node, int index, string where) => In(node, index, where) switch
    {
        ActivationValue a => a.Layer,
        PaddedValue p => throw new ConversionException($"{where}: reads Pad '{p.PadNode}'; a zero Pad is supported only right before Conv, MaxPool or AveragePool"),
        _ => throw new ConversionException($"{where}: input {index} is a constant; this op needs a computed tensor"),
    };

    /// <summary>The input of a Dense: must be [batch, features].</summary>
    LayerBuilder FlatActivation(NodeProto node, string where)
    {
        var x = Activation(node, 0, where);
        if (x.OnnxShape.Length != 1)
            throw new ConversionException($"{where}: input [{string.Join(",", x.OnnxShape)}] per sample is not flat; insert Flatten before it");
        return x;
    }

    /// <summary>The input of a Conv or pool, with a pending Pad to fold (or null).</summary>
    LayerBuilder WindowInput(NodeProto node, string where, out PaddedValue? pad)
    {
        var value = In(node, 0, where);
        pad = value as PaddedValue;
        var x = pad?.Source ?? Activation(node, 0, where);
        if (!x.OnnxShape.AsSpan().SequenceEqual(x.Shape) || x.Shape.Length < 2)
            throw new ConversionException($"{where}: input [{string.Join(",", x.OnnxShape)}] per sample has no spatial axis to slide over");
        return x;
    }

    ConstantValue Const(NodeProto node, int index, string where) => In(node, index, where) as ConstantValue
        ?? throw new ConversionException($"{where}: input {index} ('{node.Input[index]}') must be a constant (initializer or Constant)");

    float[] Floats(NodeProto node, int index, string where) => Const(node, index, where).Floats
        ?? throw new ConversionException($"{where}: input {index} ('{node.Input[index]}') must be a float constant");

    long[]? Axes(NodeProto node, OnnxAttributes attrs, string where) =>
        _opset >= 13 ? (HasInput(node, 1) ? Const(node, 1, where).Ints : null) : attrs.Ints("axes");

    void Set(NodeProto node, TensorValue value) => _values[node.Output[0]] = value;

    /// <summary>Makes the node's output another name for <paramref name="value"/>; the aliased layer gains the new
    /// name's readers and loses this node as a reader.</summary>
    void Alias(NodeProto node, TensorValue value)
    {
        if (value is ActivationValue a)
            a.Layer.Readers += _readers.GetValueOrDefault(node.Output[0]) - 1;
        Set(node, value);
    }

    void RequireUnread(NodeProto node, int output, string what, string where)
    {
        if (output < node.Output.Count && node.Output[output].Length > 0 && _readers.GetValueOrDefault(node.Output[output]) > 0)
            throw new ConversionException($"{where}: output {output} ({what}) is used; only the main output is supported");
    }

    /// <summary>Checks the layer's parameters and computes its shape with the library's own shape inference, then
    /// binds it to the node's output.</summary>
    LayerBuilder AddLayer(NodeProto node, LayerBuilder layer, string where)
    {
        var inputs = layer.Inputs;
        if (inputs.Length == 2 && !inputs[0].Shape.AsSpan().SequenceEqual(inputs[1].Shape))
            throw new ConversionException($"{where}: adds shapes [{string.Join(",", inputs[0].Shape)}] and [{string.Join(",", inputs[1].Shape)}], which differ");
        var probe = new ModelSpec
        {
            InputShape = inputs[0].Shape,
            Nodes = [new NodeSpec { Kind = OpKind.Input }, layer.ToNode(inputs.Length == 2 ? [0, 0] : [0])],
        };
        try
        {
            layer.Shape = ShapeInference.Infer(probe)[1];
        }
        catch (InvalidDataException e)
        {
            // Drop ShapeInference's "node 1 (...)" prefix: the id is the probe's, not the model's.
            string message = e.Message;
            int cut = message.IndexOf("): ", StringComparison.Ordinal);
            throw new ConversionException($"{where}: {(cut >= 0 ? message[(cut + 3)..] : message)}", e);
        }
        layer.OnnxShape = layer.Shape;
        layer.Readers = _readers.GetValueOrDefault(node.Output[0]);
        _layers.Add(layer);
        Set(node, new ActivationValue(layer));
        return layer;
    }

    static WindowAttributes Window(OnnxAttributes attrs, int spatial, int[] kernel, string where)
    {
        if (kernel.Length != spatial)
            throw new ConversionException($"{where}: kernel has {kernel.Length} axes, the input has {spatial} spatial axes");
        if (attrs.Ints("kernel_shape") is { } declared && !declared.SequenceEqual(kernel.Select(k => (long)k)))
            throw new ConversionException($"{where}: kernel_shape [{string.Join(",", declared)}] disagrees with the weight's [{string.Join(",", kernel)}]");
        string autoPad = attrs.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID"))
            throw new ConversionException($"{where}: auto_pad '{autoPad}' is not supported (NOTSET and VALID are); export with explicit pads");
        int[] strides = Values(attrs.Ints("strides"), spatial, 1, 1, "strides", where);
        int[] dilations = Values(attrs.Ints("dilations"), spatial, 1, 1, "dilations", where);
        int[] pads = autoPad == "VALID" ? new int[2 * spatial] : Values(attrs.Ints("pads"), 2 * spatial, 0, 0, "pads", where);
        foreach (int k in kernel)
        {
            if (k < 1 || k > MaxWindowValue)
                throw new ConversionException($"{where}: kernel size {k} is outside 1..{MaxWindowValue}");
        }
        return new WindowAttributes(kernel, strides, pads[..spatial], pads[spatial..], dilations);
    }

    static int[] Values(long[]? values, int count, int fallback, int min, string name, string where)
    {
        if (values is null)
            return Enumerable.Repeat(fallback, count).ToArray();
        if (values.Length != count)
            throw new ConversionException($"{where}: {name} has {values.Length} values, want {count}");
        foreach (long v in values)
        {
            if (v < min || v > MaxWindowValue)
                throw new ConversionException($"{where}: {name} value {v} is outside {min}..{MaxWindowValue}");
        }
        return values.Select(v => (int)v).ToArray();
    }

    /// <summary>Gemm's C times beta as a bias of <paramref name="outputs"/> values: C may be a scalar, [N] or [1, N].</summary>
    static float[] BroadcastBias(ConstantValue c, int outputs, float beta, string where)
    {
        if (c.Floats is null || (c.Count != 1 && (c.Count != outputs || c.Dims.Length == 0 || c.Dims[^1] != outputs)))
            throw new ConversionException($"{where}: C [{string.Join(",", c.Dims)}] is not a float scalar, [{outputs}] or [1, {outputs}] bias");
        var bias = new float[outputs];
        for (int o = 0; o < outputs; o++)
            bias[o] = beta * c.Floats[c.Count == 1 ? 0 : o];
        return bias;
    }
}
