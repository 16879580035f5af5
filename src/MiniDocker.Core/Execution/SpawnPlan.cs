using System.Globalization;
using System.Text;

namespace MiniDocker.Execution;

/// <summary>
/// Everything stage-0 will do, in order, as data. <paramref name="InheritedFiles"/> are host paths
/// (namespace files to join) that the launcher opens and passes as fd 5, 6, … in that order.
/// </summary>
internal sealed record SpawnPlan(IReadOnlyList<PlanStep> Steps, IReadOnlyList<string> InheritedFiles)
{
    public const int FirstInheritedFd = 5;

    /// <summary>The plan as numbered kernel operations, one per line.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Steps.Count; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i + 1,3}. {Steps[i].Describe()}\n");
        return text.ToString();
    }

    public byte[] Serialize() => PlanWriter.Write(Steps);

    /// <inheritdoc />
    public override string ToString() => Render();
}
