namespace MiniDocker.Execution;

/// <summary>How stage-0 turns into the container's program; the values match stage0.c.</summary>
[Flags]
internal enum ExecFlags : uint
{
    None = 0,

    /// <summary>Stage-0 stays PID 1, reaps zombies and forwards signals; the program is its child.</summary>
    Init = 1,

    /// <summary>SIGKILL the container when the host thread that spawned it dies (tied, not detached).</summary>
    DieWithHost = 2,

    /// <summary>The program leads a new session.</summary>
    NewSession = 4,

    /// <summary>The terminal on stdin becomes the program's controlling terminal.</summary>
    ControllingTerminal = 8,
}
