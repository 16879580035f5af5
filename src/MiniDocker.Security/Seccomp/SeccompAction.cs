namespace MiniDocker.Security.Seccomp;

/// <summary>What the kernel does when a filter matches a syscall (the SCMP_ACT_* of Docker and the OCI specification).</summary>
public enum SeccompAction
{
    /// <summary>Let the syscall run (SCMP_ACT_ALLOW).</summary>
    Allow,

    /// <summary>Fail the syscall with an errno, EPERM unless one is given (SCMP_ACT_ERRNO).</summary>
    Errno,

    /// <summary>Kill the whole process (SCMP_ACT_KILL_PROCESS).</summary>
    KillProcess,

    /// <summary>Kill the calling thread (SCMP_ACT_KILL_THREAD, also SCMP_ACT_KILL).</summary>
    KillThread,

    /// <summary>Send SIGSYS to the thread (SCMP_ACT_TRAP).</summary>
    Trap,

    /// <summary>Hand the syscall to a ptrace tracer (SCMP_ACT_TRACE).</summary>
    Trace,

    /// <summary>Allow and log it (SCMP_ACT_LOG).</summary>
    Log,

    /// <summary>Suspend the syscall and notify a supervisor through a listener fd (SCMP_ACT_NOTIFY).</summary>
    UserNotify,
}
