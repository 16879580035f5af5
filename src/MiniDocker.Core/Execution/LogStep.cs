namespace MiniDocker.Execution;

/// <summary>
/// Forks the log monitor (on the host side, before any namespace is entered) and puts pipes to
/// it on the container's stdout and stderr; it writes them to <paramref name="Path"/> as
/// json-file lines, rotating at <paramref name="MaxBytes"/> and keeping <paramref name="MaxFiles"/> files.
/// With <paramref name="CgroupOfTiedContainer"/> the monitor is also the container's lifeline: it
/// holds a pidfd of the host and kills every process of that cgroup directory once the host has
/// exited, however it died.
/// </summary>
internal sealed record LogStep(string Path, long MaxBytes, int MaxFiles, string? CgroupOfTiedContainer = null) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Log;

    public override string Describe() =>
        (CgroupOfTiedContainer is { } cgroup ? "pidfd_open(host), " : "")
        + $"pipe2() ×2, clone(CLONE_PARENT) a log monitor → {Quote(Path)} (json-file{(MaxBytes > 0 ? $", rotated at {MaxBytes} bytes, {MaxFiles} files" : "")}"
        + (CgroupOfTiedContainer is { } killed ? $"; kills {Quote(killed)} when the host exits" : "") + "), dup2(pipes → 1, 2)";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Path);
        writer.U64((ulong)MaxBytes);
        writer.U32((uint)MaxFiles);
        writer.String(CgroupOfTiedContainer ?? "");
    }
}
