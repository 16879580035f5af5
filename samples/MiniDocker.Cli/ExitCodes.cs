namespace MiniDocker.Cli;

/// <summary>The exit codes Docker's CLI uses for its own failures (a container's own code passes through).</summary>
internal static class ExitCodes
{
    /// <summary>A command failed against the engine (no such container, image...).</summary>
    public const int Failure = 1;

    /// <summary>The engine itself failed, or the command line was wrong.</summary>
    public const int EngineError = 125;

    /// <summary>The container's command could not be executed.</summary>
    public const int CannotExecute = 126;

    /// <summary>The container's command was not found.</summary>
    public const int NotFound = 127;
}
