using System.Globalization;
using Google.Protobuf;
using PrunedLrp.Convert.Onnx;
using PrunedLrp.Graph;
using PrunedLrp.IO;

namespace PrunedLrp.Convert;

/// <summary>plrp-convert: converts an ONNX model (as PyTorch exports it) into a PrunedLrp model file.</summary>
public static class Program
{
    /// <summary>Largest ONNX file accepted (protobuf's own limit).</summary>
    const long MaxOnnxBytes = int.MaxValue;

    /// <summary>Process entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the converter; returns 0 on success, 1 when the model cannot be converted, 2 on a usage error.
    /// Errors are one line on <paramref name="stderr"/>, without a stack trace.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = ConvertOptions.Parse(args, out string usageError);
        if (options is null)
        {
            stderr.WriteLine($"plrp-convert: {usageError}");
            stderr.WriteLine(ConvertOptions.Usage);
            return 2;
        }
        try
        {
            var model = Convert(options);
            ModelFile.Write(model, options.Output);
            if (options.Verbose)
                stdout.Write(ModelDescription.Format(model));
            stdout.WriteLine(Summary(options, model));
            return 0;
        }
        catch (Exception e) when (e is ConversionException or InvalidDataException or IOException
            or UnauthorizedAccessException or InvalidProtocolBufferException)
        {
            stderr.WriteLine($"plrp-convert: {options.Model}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
#pragma warning disable CA1031 // A converter bug must still end as one line and exit code 1, not a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"plrp-convert: {options.Model}: internal error ({e.GetType().Name}): {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>Reads, converts and labels the model named in <paramref name="options"/>.</summary>
    internal static ModelSpec Convert(ConvertOptions options)
    {
        var info = new FileInfo(options.Model);
        if (!info.Exists)
            throw new IOException($"file not found");
        if (info.Length > MaxOnnxBytes)
            throw new ConversionException($"{info.Length} bytes is more than the {MaxOnnxBytes} a single ONNX protobuf can hold");
        ModelProto proto;
        using (var stream = File.OpenRead(options.Model))
            proto = ModelProto.Parser.ParseFrom(stream);
        var model = OnnxImporter.Import(proto, options.InputShape);
        if (options.Labels is null)
            return model;
        var labels = ReadLabels(options.Labels);
        long outputs = ShapeInference.Elements(ShapeInference.Infer(model)[^1]);
        if (labels.Count != outputs)
            throw new ConversionException($"--labels: {options.Labels} has {labels.Count} labels, the model has {outputs} outputs");
        return new ModelSpec { InputShape = model.InputShape, Labels = labels, Nodes = model.Nodes };
    }

    /// <summary>One label per line (UTF-8); a trailing empty line is ignored.</summary>
    static List<string> ReadLabels(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    static string Summary(ConvertOptions options, ModelSpec model)
    {
        int[] output = ShapeInference.Infer(model)[^1];
        long parameters = model.Nodes.Sum(n => (long)n.Weight.Length + n.Bias.Length);
        var kinds = model.Nodes.Skip(1).GroupBy(n => n.Kind).Select(g => $"{g.Count()} {g.Key}");
        string labels = model.Labels.Count > 0 ? $" ({model.Labels.Count} labels)" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{options.Output}: {model.Nodes.Count - 1} layers ({string.Join(", ", kinds)}), {parameters:N0} parameters, input [{string.Join(",", model.InputShape)}], {ShapeInference.Elements(output)} output classes{labels}");
    }
}
