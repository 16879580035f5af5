namespace MiniDocker.Cli;

/// <summary>A failure the command line reports in one line, with Docker's exit code for it.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.EngineError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
