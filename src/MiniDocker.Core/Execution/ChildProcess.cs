using MiniDocker.Interop;

namespace MiniDocker.Execution;

/// <summary>
/// A process the host is the parent of, held through a pidfd: signals cannot reach a recycled
/// pid, and the exit is awaited with epoll and reaped with waitid(P_PIDFD) — never waitpid(-1),
/// which would steal the host application's own children.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly SafeFd _pidfd;
    private readonly Lazy<Task<ExitStatus>> _exit;
    private readonly ExitRecord? _record;

    /// <param name="pid">The process id.</param>
    /// <param name="pidfd">A pidfd for it.</param>
    /// <param name="record">Where a monitor records its end, when it is the monitor's child rather than this host's.</param>
    public ChildProcess(int pid, SafeFd pidfd, ExitRecord? record = null)
    {
        Pid = pid;
        _pidfd = pidfd;
        _record = record;
        _exit = new Lazy<Task<ExitStatus>>(ReapAsync);
    }

    public int Pid { get; }

    public bool HasExited => _exit.IsValueCreated && _exit.Value.IsCompleted;

    /// <summary>Opens a pidfd for a child of this process.</summary>
    public static ChildProcess Open(int pid, ExitRecord? record = null) =>
        new(pid, SafeFd.FromResult(Libc.PidfdOpen(pid), $"pidfd_open({pid})"), record);

    /// <summary>Completes with the exit status once the process has ended and been reaped.</summary>
    public Task<ExitStatus> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        _exit.Value.WaitAsync(cancellationToken);

    /// <summary>Sends a signal; false when the process has already exited.</summary>
    public bool Signal(int signal)
    {
        if (Libc.PidfdSendSignal(_pidfd, signal) == 0) return true;
        int errno = Errno.Last;
        if (errno == Errno.ESRCH) return false;
        throw Errno.Exception($"pidfd_send_signal(pid {Pid}, {signal})", errno);
    }

    public void Dispose()
    {
        _pidfd.Dispose();
        _record?.Dispose();
    }

    private async Task<ExitStatus> ReapAsync()
    {
        while (true)
        {
            await Reactor.Shared.WaitReadableAsync(_pidfd, CancellationToken.None).ConfigureAwait(false);
            if (TryReap() is not { } status) continue;
            return status is { ExitCode: null, Signal: null } && _record is not null ? await _record.ReadAsync().ConfigureAwait(false) : status;
        }
    }

    /// <summary>The pid of the monitor that is this process's parent, when there is one and it is known.</summary>
    public int? MonitorPid => _record?.MonitorPid;

    private unsafe ExitStatus? TryReap()
    {
        Libc.SigInfo info = default;
        if (Libc.WaitId(Libc.P_PIDFD, _pidfd.Fd, &info, Libc.WEXITED | Libc.WNOHANG) < 0)
        {
            // Not our child (opened after its parent died): the pidfd says it ended, not how.
            if (Errno.Last == Errno.ECHILD) return new ExitStatus(null, null);
            throw Errno.Exception($"waitid(P_PIDFD, pid {Pid})");
        }
        if (info.Pid == 0) return null;
        return info.Code == Libc.CLD_EXITED ? new ExitStatus(info.Status, null) : new ExitStatus(null, info.Status);
    }
}
