using System.Globalization;

namespace MiniDocker.Execution;

/// <summary>
/// How a monitored (detached) container ended, as its monitor wrote it to the state directory:
/// <c>exit &lt;code&gt;</c> or <c>signal &lt;number&gt;</c>. It is read once the monitor has exited,
/// since the monitor writes it after reaping the container.
/// </summary>
internal sealed class ExitRecord(string directory, ChildProcess? monitor) : IDisposable
{
    public const string FileName = "exit";

    /// <summary>The monitor's pid, while this engine knows it.</summary>
    public int? MonitorPid => monitor?.Pid;

    /// <summary>The record for a container another engine started: its monitor is watched when it is still the same process.</summary>
    public static ExitRecord Reattach(string directory, int monitorPid, ulong monitorStartTime)
    {
        ChildProcess? monitor = null;
        if (monitorPid > 0)
        {
            try
            {
                monitor = ChildProcess.Open(monitorPid);
            }
            catch (Interop.LinuxSyscallException)
            {
                // It has ended: the record, if it wrote one, is there already.
            }
        }
        // Opened, then checked: a pidfd cannot switch to a process that reuses the pid later.
        if (monitor is not null && !Containers.State.ProcessIdentity.IsAlive(monitorPid, monitorStartTime))
        {
            monitor.Dispose();
            monitor = null;
        }
        return new ExitRecord(directory, monitor);
    }

    /// <summary>Removes a previous run's record before the container runs again.</summary>
    public static void Clear(string directory) => File.Delete(Path.Combine(directory, FileName));

    /// <summary>Waits for the monitor to finish, then reads the record; unknown when there is none.</summary>
    public async Task<ExitStatus> ReadAsync()
    {
        if (monitor is not null) await monitor.WaitForExitAsync().ConfigureAwait(false);
        return TryRead(directory) ?? new ExitStatus(null, null);
    }

    /// <summary>The record in a container's directory, or null when there is none (yet).</summary>
    public static ExitStatus? TryRead(string directory)
    {
        string text;
        try
        {
            text = IO.SmallFile.ReadAllText(Path.Combine(directory, FileName)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var parts = text.Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
        return parts[0] switch
        {
            "exit" => new ExitStatus(value, null),
            "signal" => new ExitStatus(null, value),
            _ => null,
        };
    }

    public void Dispose() => monitor?.Dispose();
}
