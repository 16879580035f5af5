namespace MiniDocker.Execution;

/// <summary>How a process ended: its exit code, or the signal that killed it.</summary>
internal readonly record struct ExitStatus(int? ExitCode, int? Signal)
{
    /// <summary>The shell's view: the exit code, or 128 plus the signal number.</summary>
    public int ShellCode => ExitCode ?? 128 + Signal!.Value;
}
