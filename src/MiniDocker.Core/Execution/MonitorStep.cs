namespace MiniDocker.Execution;

/// <summary>
/// Keeps stage-0 as the parent of the container it clones next (instead of the host), to reap it
/// and record how it ended in <paramref name="Directory"/> (see <see cref="ExitRecord"/>): a
/// detached container outlives the host, which could then no longer learn its exit code.
/// The directory is opened here, on the host side, before any namespace is joined.
/// </summary>
internal sealed record MonitorStep(string Directory) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Monitor;

    public override string Describe() => $"open({Quote(Directory)}, O_PATH|O_DIRECTORY): stage-0 stays to reap the container and write its exit record there";

    public override void WritePayload(PlanWriter writer) => writer.String(Directory);
}
