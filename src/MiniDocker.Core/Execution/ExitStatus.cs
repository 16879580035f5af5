namespace MiniDocker.Execution;

/// <summary>How a process ended: its exit code, or the signal that killed it.</summary>
internal readonly record struct ExitStatus(int? ExitCode, int? Signal)
{
    /// <summary>
    /// The shell's view: the exit code, or 128 plus the signal number; -1 when neither is known
    /// (the process was not this host's child and no monitor recorded its end).
    /// </summary>
    public int ShellCode => ExitCode ?? (Signal is { } signal ? 128 + signal : -1);
}
