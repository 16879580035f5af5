namespace MiniDocker.Containers;

/// <summary>Linux signals by the names <c>kill -l</c> prints; the numbers are those of x86-64 and arm64.</summary>
public enum Signal
{
    /// <summary>Hangup; many daemons reload their configuration.</summary>
    SIGHUP = 1,

    /// <summary>Interrupt (Ctrl-C).</summary>
    SIGINT = 2,

    /// <summary>Quit with a core dump.</summary>
    SIGQUIT = 3,

    /// <summary>Abort.</summary>
    SIGABRT = 6,

    /// <summary>Kill; cannot be caught or ignored.</summary>
    SIGKILL = 9,

    /// <summary>User-defined signal 1.</summary>
    SIGUSR1 = 10,

    /// <summary>Invalid memory reference.</summary>
    SIGSEGV = 11,

    /// <summary>User-defined signal 2.</summary>
    SIGUSR2 = 12,

    /// <summary>Write to a pipe with no reader.</summary>
    SIGPIPE = 13,

    /// <summary>Alarm clock.</summary>
    SIGALRM = 14,

    /// <summary>Termination request; what <c>docker stop</c> sends first.</summary>
    SIGTERM = 15,

    /// <summary>Continue if stopped.</summary>
    SIGCONT = 18,

    /// <summary>Stop; cannot be caught or ignored.</summary>
    SIGSTOP = 19,

    /// <summary>Terminal window size changed.</summary>
    SIGWINCH = 28,
}
