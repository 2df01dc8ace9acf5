using System.CommandLine;
using PrunedLrp.Imaging;
using PrunedLrp.IO;

namespace PrunedLrp.Cli;

/// <summary>explain's optional outputs: heatmap PNGs for images, per-base TSV and bedGraph for DNA.</summary>
internal sealed class ExplainOutputs
{
    public Option<FileInfo?> Heatmap { get; } = new("--heatmap")
    {
        Description = "Write a relevance heatmap PNG per sample (image inputs [C,H,W]; relevance summed over channels); "
            + "with several samples, -<index> is added before the extension",
    };

    public Option<string> ColorMapName { get; } = new("--colormap")
    {
        Description = "Heatmap colormap: bwr, coldnhot (Zennit's) or gray; centred at zero", DefaultValueFactory = _ => "bwr",
    };

    public Option<double> Percentile { get; } = new("--heatmap-percentile")
    {
        Description = "Symmetric colour scale: |R| at this percentile maps to full colour (100 = max |R|)", DefaultValueFactory = _ => 100,
    };

    public Option<int> Scale { get; } = new("--heatmap-scale")
    {
        Description = "Upscale heatmaps by this integer factor (0 = auto: at least 224 pixels on the longer side)", DefaultValueFactory = _ => 0,
    };

    public Option<FileInfo?> Tsv { get; } = new("--tsv") { Description = "DNA: write per-base relevance (id, 1-based position, base, relevance) as TSV" };

    public Option<FileInfo?> BedGraph { get; } = new("--bedgraph")
    {
        Description = "DNA: write per-position relevance (summed over A/C/G/T) as bedGraph (sequence id, 0-based start, end, value)",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Heatmap, ColorMapName, Percentile, Scale, Tsv, BedGraph })
            command.Options.Add(option);
    }

    public bool Any(ParseResult parse)
        => parse.GetValue(Heatmap) is not null || parse.GetValue(Tsv) is not null || parse.GetValue(BedGraph) is not null;

    public List<string> Write(ParseResult parse, Model model, float[] relevance, int batch, IReadOnlyList<FastaRecord>? records)
    {
        var written = new List<string>();
        if (parse.GetValue(Heatmap) is { } png)
            written.AddRange(WriteHeatmaps(parse, model, relevance, batch, png));
        var tsv = parse.GetValue(Tsv);
        var bed = parse.GetValue(BedGraph);
        if (tsv is null && bed is null)
            return written;
        var shape = model.InputShape;
        if (shape.Count != 2 || shape[0] != 4)
            throw new CliException($"--tsv/--bedgraph need a one-hot DNA model [4, length]; this one reads [{string.Join(",", shape)}]");
        int length = shape[1];
        var perBase = new float[length];
        using var tsvWriter = tsv is null ? null : new StreamWriter(tsv.FullName);
        using var bedWriter = bed is null ? null : new StreamWriter(bed.FullName);
        if (tsvWriter is not null) FastaRelevanceTsvWriter.WriteHeader(tsvWriter);
        if (bedWriter is not null) BedGraphWriter.WriteTrackLine(bedWriter, "plrp relevance");
        for (int n = 0; n < batch; n++)
        {
            string id = records?[n].Id ?? $"sample{n}";
            var r = relevance.AsSpan(n * model.InputSize, model.InputSize);
            Metrics.DnaRelevance.SumOverChannels(r, 4, perBase);
            if (tsvWriter is not null)
            {
                string sequence = records?[n].Sequence ?? new string('N', length);
                FastaRelevanceTsvWriter.Write(tsvWriter, id, sequence, perBase);
            }
            if (bedWriter is not null)
                BedGraphWriter.Write(bedWriter, id, perBase);
        }
        if (tsv is not null) written.Add(tsv.FullName);
        if (bed is not null) written.Add(bed.FullName);
        return written;
    }

    List<string> WriteHeatmaps(ParseResult parse, Model model, float[] relevance, int batch, FileInfo png)
    {
        var shape = model.InputShape;
        if (shape.Count != 3)
            throw new CliException($"--heatmap needs image inputs [C,H,W]; this model reads [{string.Join(",", shape)}]");
        int c = shape[0], h = shape[1], w = shape[2];
        var colorMap = ColorMap.FromName(parse.GetValue(ColorMapName)!);
        double percentile = parse.GetValue(Percentile);
        if (!(percentile > 0 && percentile <= 100))
            throw new CliException("--heatmap-percentile must be in (0, 100]");
        int scale = parse.GetValue(Scale);
        if (scale < 0)
            throw new CliException("--heatmap-scale must be >= 0");
        if (scale == 0)
            scale = Math.Max(1, (int)Math.Ceiling(224.0 / Math.Max(h, w)));
        var summed = new float[h * w];
        var files = new List<string>();
        for (int n = 0; n < batch; n++)
        {
            var r = relevance.AsSpan(n * model.InputSize, model.InputSize);
            summed.AsSpan().Clear();
            for (int ch = 0; ch < c; ch++)
                System.Numerics.Tensors.TensorPrimitives.Add(summed, r.Slice(ch * h * w, h * w), summed);
            float vmax = Imaging.Heatmap.PercentileAbs(summed, percentile);
            var image = Imaging.Heatmap.Render(summed, h, w, colorMap, vmax, 1.0).Upscale(scale);
            string path = batch == 1 ? png.FullName
                : Path.Combine(png.DirectoryName ?? ".", $"{Path.GetFileNameWithoutExtension(png.Name)}-{n}{png.Extension}");
            image.SavePng(path);
            files.Add(path);
        }
        return files;
    }
}
