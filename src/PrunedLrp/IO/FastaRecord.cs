namespace PrunedLrp.IO;

/// <summary>One FASTA record.</summary>
/// <param name="Id">The identifier: the header text after '&gt;' up to the first whitespace.</param>
/// <param name="Sequence">The sequence with line breaks and blanks removed, case preserved.</param>
/// <param name="Description">The rest of the header line after the identifier (trimmed; may be empty).</param>
public sealed record FastaRecord(string Id, string Sequence, string Description = "");
