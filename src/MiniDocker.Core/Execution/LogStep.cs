namespace MiniDocker.Execution;

/// <summary>
/// Forks the log monitor (on the host side, before any namespace is entered) and puts pipes to
/// it on the container's stdout and stderr; it writes them to <paramref name="Path"/> as
/// json-file lines, rotating at <paramref name="MaxBytes"/> and keeping <paramref name="MaxFiles"/> files.
/// </summary>
internal sealed record LogStep(string Path, long MaxBytes, int MaxFiles) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Log;

    public override string Describe() =>
        $"pipe2() ×2, clone(CLONE_PARENT) a log monitor → {Quote(Path)} (json-file{(MaxBytes > 0 ? $", rotated at {MaxBytes} bytes, {MaxFiles} files" : "")}), dup2(pipes → 1, 2)";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Path);
        writer.U64((ulong)MaxBytes);
        writer.U32((uint)MaxFiles);
    }
}
