namespace MiniDocker.Containers;

/// <summary>The outcome of a command run inside a running container.</summary>
/// <param name="ExitCode">The exit code, or 128 plus the signal that killed the command.</param>
/// <param name="Stdout">What it wrote to standard output.</param>
/// <param name="Stderr">What it wrote to standard error.</param>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr);
