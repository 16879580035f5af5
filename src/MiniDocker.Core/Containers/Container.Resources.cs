using System.Runtime.CompilerServices;
using MiniDocker.Cgroups;

namespace MiniDocker.Containers;

public sealed partial class Container
{
    private static readonly TimeSpan DefaultStatsInterval = TimeSpan.FromSeconds(1);

    /// <summary>Reads the container's memory, CPU, pids and block I/O counters.</summary>
    /// <exception cref="InvalidOperationException">The container has ended; its cgroup is gone.</exception>
    public Task<CgroupStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureRunning("read its stats");
        return Task.FromResult(Cgroup.GetStats());
    }

    /// <summary>
    /// Reads the counters every <paramref name="interval"/> (1 s by default) while the container
    /// runs; from the second reading on, <see cref="CgroupStats.CpuPercent"/> is set.
    /// </summary>
    public async IAsyncEnumerable<CgroupStats> StreamStatsAsync(TimeSpan? interval = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CgroupStats? previous = null;
        while (!_exit.IsCompleted)
        {
            CgroupStats stats;
            try
            {
                stats = Cgroup.GetStats();
            }
            catch (CgroupException) when (_exit.IsCompleted)
            {
                yield break;
            }
            var reading = previous is null ? stats : stats.Since(previous);
            previous = stats;
            yield return reading;
            await Task.WhenAny(_exit, Task.Delay(interval ?? DefaultStatsInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Freezes every process of the container; returns once the kernel reports them frozen.</summary>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        EnsureRunning("pause it");
        await Cgroup.FreezeAsync(cancellationToken).ConfigureAwait(false);
        _paused = true;
        SaveState(st => st with { Status = "paused" });
        Publish(Events.ContainerEventType.Paused);
    }

    /// <summary>Thaws a paused container; returns once the kernel reports it running.</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        EnsureRunning("resume it");
        await Cgroup.ThawAsync(cancellationToken).ConfigureAwait(false);
        _paused = false;
        SaveState(st => st with { Status = "running" });
        Publish(Events.ContainerEventType.Resumed);
    }

    /// <summary>Sets the size of the container's terminal (<c>docker run -t</c> and a resized window); its program gets SIGWINCH.</summary>
    /// <exception cref="InvalidOperationException">The container has no terminal (<see cref="ContainerBuilder.WithTty"/>), or has ended.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size outside 1–65535.</exception>
    public void ResizeTerminal(int columns, int rows)
    {
        EnsureRunning("resize its terminal");
        if (_terminalInput is not { } terminal) throw new InvalidOperationException($"Container {Name} has no terminal to resize; start it with WithTty().");
        terminal.Resize(columns, rows);
    }

    /// <summary>Changes the running container's limits; values left null stay as they are.</summary>
    /// <exception cref="ContainerConfigurationException">A limit is out of range, or the memory limit is below what the container uses now.</exception>
    public Task UpdateResourcesAsync(ResourceLimits limits, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureRunning("update its resources");
        Cgroup.Update(limits);
        return Task.CompletedTask;
    }

    private void EnsureRunning(string action)
    {
        ObjectDisposedException.ThrowIf(_removed, this);
        if (_exit.IsCompleted)
            throw new InvalidOperationException($"Container {Name} has ended ({_exit.Result}); cannot {action}.");
    }
}
