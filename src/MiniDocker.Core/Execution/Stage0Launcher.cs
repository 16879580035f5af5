using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using MiniDocker.Interop;
using MiniDocker.Logging;
using Tmds.Linux;

namespace MiniDocker.Execution;

/// <summary>
/// Runs a plan: posix_spawn stage-0 with exactly the plan, the sync socket, stdio and the
/// inherited files; learn the child's pid; let the host do its outside setup; say go; then
/// wait for EOF (the program runs) or an error report naming the failed step.
/// </summary>
internal sealed class Stage0Launcher(ILogger logger)
{
    /// <summary>
    /// Host-side work done while the child waits for "go" (cgroups, id maps, network). It returns
    /// fds to pass to the child after "go", in the order the plan receives them.
    /// </summary>
    public delegate ValueTask<IReadOnlyList<SafeFd>> OutsideSetup(int childPid, CancellationToken cancellationToken);

    public async Task<LaunchedProcess> LaunchAsync(
        SpawnPlan plan, StdioHandles stdio, OutsideSetup? outsideSetup, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        MiniDockerLog.ExecutingPlan(logger, plan.Steps.Count, plan);

        var (channel, childEnd) = SyncChannel.Create();
        using (channel)
        {
            var (child, logger) = await SpawnAsync(plan, stdio, channel, childEnd).ConfigureAwait(false);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                IReadOnlyList<SafeFd> passed = outsideSetup is null ? [] : await outsideSetup(child.Pid, cancellationToken).ConfigureAwait(false);
                try
                {
                    channel.SendGo();
                    foreach (var fd in passed) channel.SendFd(fd);
                }
                finally
                {
                    foreach (var fd in passed) fd.Dispose();
                }
                var terminal = await WaitForExecAsync(plan, channel, child, cancellationToken).ConfigureAwait(false);
                return new LaunchedProcess(child, terminal, logger, child.MonitorPid);
            }
            catch
            {
                child.Signal(9);
                await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                child.Dispose();
                // The monitor ends once the dead child's pipe ends are closed.
                if (logger is not null) await logger.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                logger?.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Spawns stage-0 and returns the child it cloned. Not cancellable: stage-0 answers within
    /// milliseconds, and a child whose pid was never read would be left unreaped.
    /// </summary>
    private static async Task<(ChildProcess Child, ChildProcess? Logger)> SpawnAsync(SpawnPlan plan, StdioHandles stdio, SyncChannel channel, SafeFd childEnd)
    {
        ChildProcess? logger = null;
        var inherited = new List<SafeFd>();
        try
        {
            int stage0Pid;
            using (var planFd = WritePlan(plan))
            using (childEnd)
            {
                foreach (var path in plan.InheritedFiles)
                    inherited.Add(OpenInherited(path));
                var fds = new List<SafeHandle> { stdio.Input, stdio.Output, stdio.Error, planFd, childEnd };
                fds.AddRange(inherited);
                stage0Pid = await Reactor.Shared.InvokeAsync(() => Spawn(fds)).ConfigureAwait(false);
            }
            // Our copy of the child's end is closed now, so EOF means stage-0 and the child are done with it.
            SyncMessage? first = null;
            int status = 0;
            var monitor = plan.Steps.OfType<MonitorStep>().FirstOrDefault();
            try
            {
                first = await channel.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                if (first?.Type == SyncMessageType.Logger)
                {
                    // Opened while it surely lives: it cannot end before the container's pipes close.
                    logger = ChildProcess.Open(first.A);
                    first = await channel.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                // A monitoring stage-0 lives on as the container's parent; any other has exited or is about to.
                if (monitor is null || first?.Type != SyncMessageType.ChildPid) status = ReapStage0(stage0Pid);
            }
            if (first is null)
                throw new ContainerStartException($"stage-0 ended before it created the container ({DescribeStatus(status)}).");
            if (first.Type != SyncMessageType.ChildPid) throw FailureOf(plan, first);
            var record = monitor is null ? null : new ExitRecord(monitor.Directory, ChildProcess.Open(stage0Pid));
            return (ChildProcess.Open(first.A, record), logger);
        }
        catch
        {
            if (logger is not null) await logger.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            logger?.Dispose();
            throw;
        }
        finally
        {
            foreach (var fd in inherited) fd.Dispose();
        }
    }

    /// <summary>Waits for EOF (the program was executed) or a failure report; collects the terminal master on the way.</summary>
    private static async Task<SafeFd?> WaitForExecAsync(SpawnPlan plan, SyncChannel channel, ChildProcess child, CancellationToken cancellationToken)
    {
        SafeFd? terminal = null;
        try
        {
            while (await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                if (message.Type == SyncMessageType.Terminal)
                {
                    terminal = message.Fd;
                    continue;
                }
                await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw FailureOf(plan, message);
            }
            return terminal;
        }
        catch
        {
            terminal?.Dispose();
            throw;
        }
    }

    private static ContainerStartException FailureOf(SpawnPlan plan, SyncMessage message)
    {
        if (message.Type != SyncMessageType.Error)
            return new ContainerStartException($"stage-0 sent an unexpected message {message.Type}.");
        if (message.A < 0 || message.A >= plan.Steps.Count)
            return new ContainerStartException($"stage-0 could not read its plan: {Errno.Describe(message.B)}. The native stage-0 and MiniDocker.Core may be from different builds.", "read plan", message.B);
        return plan.Steps[message.A].Failure(message.B);
    }

    private static unsafe SafeFd WritePlan(SpawnPlan plan)
    {
        using var writer = PlanWriter.Build(plan.Steps);
        var bytes = writer.Written;
        int fd;
        fixed (byte* name = "minidocker-plan\0"u8)
            fd = LibC.memfd_create(name, 1 /* MFD_CLOEXEC */);
        var memfd = SafeFd.FromResult(fd, "memfd_create(\"minidocker-plan\")");
        fixed (byte* b = bytes)
        {
            for (int written = 0; written < bytes.Length;)
            {
                long n = LibC.write(fd, b + written, (size_t)(bytes.Length - written));
                if (n < 0) throw Errno.Exception("write(plan memfd)");
                written += (int)n;
            }
        }
        LibC.lseek(fd, 0, LibC.SEEK_SET);
        return memfd;
    }

    private static unsafe SafeFd OpenInherited(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            return SafeFd.FromResult(Libc.Open(p, LibC.O_RDONLY | LibC.O_CLOEXEC, 0), $"open(\"{path}\")");
    }

    /// <summary>posix_spawn of stage-0; runs on the reactor thread.</summary>
    private static unsafe int Spawn(List<SafeHandle> fds)
    {
        var binary = Stage0Binary.Shared;
        var refs = new bool[fds.Count];
        var actions = NativeMemory.AllocZeroed(Libc.SpawnFileActionsSize);
        var attr = NativeMemory.AllocZeroed(Libc.SpawnAttrSize);
        var signals = stackalloc byte[Libc.SigSetSize];
        var args = new[] { Encoding.UTF8.GetBytes(Stage0Binary.FileName + "\0"), Encoding.UTF8.GetBytes(fds.Count + "\0") };
        var path = Encoding.UTF8.GetBytes(binary.ExecPath + "\0");
        try
        {
            for (int i = 0; i < fds.Count; i++) fds[i].DangerousAddRef(ref refs[i]);
            Check(Libc.PosixSpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
            // Two rounds of dup2 through fds above every source, so that a source that
            // happens to sit at another's target number is not overwritten first.
            // The parking fds must not land on the memfd that is about to be executed either.
            int parking = Math.Max(fds.Max(f => (int)f.DangerousGetHandle()), binary.Fd) + fds.Count + 1;
            for (int i = 0; i < fds.Count; i++)
                Check(Libc.PosixSpawnFileActionsAddDup2(actions, (int)fds[i].DangerousGetHandle(), parking + i), "posix_spawn_file_actions_adddup2");
            for (int i = 0; i < fds.Count; i++)
                Check(Libc.PosixSpawnFileActionsAddDup2(actions, parking + i, i), "posix_spawn_file_actions_adddup2");

            Check(Libc.PosixSpawnAttrInit(attr), "posix_spawnattr_init");
            new Span<byte>(signals, Libc.SigSetSize).Fill(0xFF);
            Check(Libc.PosixSpawnAttrSetSigDefault(attr, signals), "posix_spawnattr_setsigdefault");
            new Span<byte>(signals, Libc.SigSetSize).Clear();
            Check(Libc.PosixSpawnAttrSetSigMask(attr, signals), "posix_spawnattr_setsigmask");
            Check(Libc.PosixSpawnAttrSetFlags(attr, Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");

            fixed (byte* p = path, a0 = args[0], a1 = args[1])
            {
                byte** argv = stackalloc byte*[3] { a0, a1, null };
                byte** envp = stackalloc byte*[1] { null };
                int result = Libc.PosixSpawn(out int pid, p, actions, attr, argv, envp);
                if (result != 0) throw Errno.Exception($"posix_spawn({binary.Source})", result);
                return pid;
            }
        }
        finally
        {
            _ = Libc.PosixSpawnFileActionsDestroy(actions);
            _ = Libc.PosixSpawnAttrDestroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            for (int i = 0; i < fds.Count; i++)
                if (refs[i]) fds[i].DangerousRelease();
        }
    }

    private static void Check(int result, string what)
    {
        if (result != 0) throw Errno.Exception(what, result);
    }

    /// <summary>Stage-0 exits right after its last message, so this wait is short.</summary>
    private static unsafe int ReapStage0(int pid)
    {
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0)
        {
            if (Errno.Last != Errno.EINTR) return -1;
        }
        return status;
    }

    private static string DescribeStatus(int status) =>
        status == -1 ? "already reaped"
        : (status & 0x7f) == 0 ? $"exit code {(status >> 8) & 0xff}"
        : $"killed by signal {status & 0x7f}";
}
