using System.Text;

namespace PrunedLrp.IO;

/// <summary>
/// Reads nucleotide FASTA files with streaming validation: every sequence character is checked as it is read against
/// the IUPAC nucleotide alphabet <see cref="OneHotDna"/> accepts (A, C, G, T, N, R, Y, S, W, K, M, B, D, H, V, either
/// case), and a record longer than the cap is rejected before it is buffered whole.
/// </summary>
/// <remarks>
/// Format: a record starts with a line beginning with '&gt;'; its id is the text up to the first whitespace, the rest of
/// the line is the description. Sequence lines follow; spaces, tabs, '\r' and blank lines are ignored. Errors are
/// <see cref="InvalidDataException"/>s naming the file, the record id, the 1-based position in the sequence of an invalid
/// character and the 1-based line: sequence text before the first header, an empty id, a record without sequence, a
/// header longer than 65536 characters, a record longer than the cap.
/// </remarks>
public static class FastaReader
{
    /// <summary>The default cap on the length of one sequence: 2^24 (16 777 216) bases.</summary>
    public const int DefaultMaxRecordLength = 1 << 24;

    const int MaxHeaderLength = 1 << 16;

    /// <summary>Reads every record of the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<FastaRecord> Read(string path, int maxRecordLength = DefaultMaxRecordLength)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return [.. ReadRecords(reader, path, maxRecordLength)];
    }

    /// <summary>Yields the records of <paramref name="reader"/> one at a time; <paramref name="source"/> names it in errors.</summary>
    public static IEnumerable<FastaRecord> ReadRecords(TextReader reader, string source, int maxRecordLength = DefaultMaxRecordLength)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecordLength);
        return Iterate(reader, source, maxRecordLength);
    }

    static IEnumerable<FastaRecord> Iterate(TextReader reader, string source, int maxRecordLength)
    {
        var buffer = new char[1 << 16];
        var header = new StringBuilder();
        var sequence = new StringBuilder();
        string? id = null, description = null;
        int line = 1, recordLine = 0;
        bool atLineStart = true, inHeader = false;
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                char c = buffer[i];
                if (c == '\n')
                {
                    if (inHeader)
                    {
                        (id, description) = SplitHeader(header, source, line);
                        inHeader = false;
                    }
                    line++;
                    atLineStart = true;
                    continue;
                }
                if (inHeader)
                {
                    if (header.Length == MaxHeaderLength)
                        throw new InvalidDataException($"{source}: header at line {line} is longer than {MaxHeaderLength} characters");
                    header.Append(c);
                    continue;
                }
                if (atLineStart && c == '>')
                {
                    if (id is not null)
                        yield return Finish(id, description!, sequence, source, recordLine);
                    header.Clear();
                    sequence.Clear();
                    inHeader = true;
                    recordLine = line;
                    atLineStart = false;
                    continue;
                }
                atLineStart = false;
                if (c is ' ' or '\t' or '\r')
                    continue;
                if (id is null)
                    throw new InvalidDataException($"{source}: line {line} has sequence data before the first '>' header");
                if (!OneHotDna.IsValid(c))
                    throw new InvalidDataException(
                        $"{source}: record '{id}' has an invalid character {Describe(c)} at position {sequence.Length + 1} (line {line}); " +
                        "want A, C, G, T, N or an IUPAC nucleotide code");
                if (sequence.Length == maxRecordLength)
                    throw new InvalidDataException($"{source}: record '{id}' (line {recordLine}) is longer than the limit of {maxRecordLength} bases");
                sequence.Append(c);
            }
        }
        if (inHeader)
            (id, description) = SplitHeader(header, source, line);
        if (id is not null)
            yield return Finish(id, description!, sequence, source, recordLine);
    }

    static (string Id, string Description) SplitHeader(StringBuilder header, string source, int line)
    {
        string text = header.ToString().TrimEnd('\r');
        int end = text.AsSpan().IndexOfAny(' ', '\t');
        string id = end < 0 ? text : text[..end];
        if (id.Length == 0)
            throw new InvalidDataException($"{source}: header at line {line} has no id (want '>id description')");
        return (id, end < 0 ? "" : text[(end + 1)..].Trim());
    }

    static FastaRecord Finish(string id, string description, StringBuilder sequence, string source, int recordLine)
    {
        if (sequence.Length == 0)
            throw new InvalidDataException($"{source}: record '{id}' (line {recordLine}) has no sequence");
        return new FastaRecord(id, sequence.ToString(), description);
    }

    static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";
}
