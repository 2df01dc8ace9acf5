using System.CommandLine;
using PrunedLrp.Graph;

namespace PrunedLrp.Cli.Commands;

/// <summary><c>plrp inspect</c>: the layer table and the pruning points of a converted model.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = CommonOptions.Model();
        var command = new Command("inspect", "Print the layer table (op, output shape, parameters, FLOPs) and the Pruned LRP "
            + "pruning points (output to input: the order of --sparsity values)") { model };
        command.SetAction(parse => CliRunner.Run(parse, stderr, () =>
        {
            var m = Model.Load(parse.GetValue(model)!.FullName);
            stdout.Write(ModelDescription.Format(m.Spec));
            var points = m.PruningPoints();
            stdout.WriteLine();
            stdout.WriteLine($"pruning points ({points.Count}, output to input; one --sparsity value each, or one for all):");
            for (int k = 0; k < points.Count; k++)
            {
                int id = points[k];
                stdout.WriteLine($"  {k}: node {id} {m.Spec.Nodes[id]} [{string.Join(",", m.NodeShape(id))}]");
            }
            return 0;
        }));
        return command;
    }
}
