namespace PrunedLrp.Tests.Pruning;

/// <summary>What a selection keeps, with each sign's mass before and after (negative masses are &lt;= 0).</summary>
internal sealed record PlrpSelection(bool[] Keep, double PositiveMass, double NegativeMass, double KeptPositiveMass, double KeptNegativeMass)
{
    public double LambdaPositive => KeptPositiveMass != 0 ? PositiveMass / KeptPositiveMass : 0;

    public double LambdaNegative => KeptNegativeMass != 0 ? NegativeMass / KeptNegativeMass : 0;
}
