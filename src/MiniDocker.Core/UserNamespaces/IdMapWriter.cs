using System.Diagnostics;
using System.Globalization;
using System.Text;
using MiniDocker.Cgroups;
using MiniDocker.Interop;

namespace MiniDocker.UserNamespaces;

/// <summary>
/// Writes a child's uid and gid maps while it waits for "go". Root writes /proc/&lt;pid&gt;/uid_map
/// itself; an unprivileged host goes through the setuid newuidmap/newgidmap helpers, which
/// check the ranges against /etc/subuid and /etc/subgid.
/// </summary>
internal static class IdMapWriter
{
    public static async ValueTask WriteAsync(int pid, IReadOnlyList<IdMapping> uids, IReadOnlyList<IdMapping> gids, CancellationToken cancellationToken)
    {
        if (Tmds.Linux.LibC.geteuid() == 0)
        {
            Write($"/proc/{pid}/uid_map", uids);
            Write($"/proc/{pid}/gid_map", gids);
            return;
        }
        await RunHelperAsync("newuidmap", pid, uids, cancellationToken).ConfigureAwait(false);
        await RunHelperAsync("newgidmap", pid, gids, cancellationToken).ConfigureAwait(false);
    }

    private static void Write(string path, IReadOnlyList<IdMapping> mappings)
    {
        // The kernel takes the whole map in one write, and only once.
        var text = new StringBuilder();
        foreach (var m in mappings) text.Append(m).Append('\n');
        try
        {
            CgroupFileSystem.Instance.WriteFile(path, text.ToString());
        }
        catch (CgroupException e)
        {
            throw new MiniDockerException($"Writing the user namespace map {path} failed: {Errno.Describe(e.Errno)}. The ranges must not overlap and must fit in the host's ids.", e);
        }
    }

    private static async Task RunHelperAsync(string helper, int pid, IReadOnlyList<IdMapping> mappings, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(helper) { RedirectStandardError = true };
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        foreach (var m in mappings)
        {
            start.ArgumentList.Add(m.ContainerId.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(m.HostId.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(m.Size.ToString(CultureInfo.InvariantCulture));
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MiniDockerException($"A user namespace started by a non-root host needs {helper} (apt-get install uidmap) and ranges in /etc/subuid and /etc/subgid: {e.Message}", e);
        }
        using (process)
        {
            var errors = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new MiniDockerException($"{helper} refused the map [{string.Join(", ", mappings)}]: {errors.Trim()}. Check this user's ranges in /etc/subuid and /etc/subgid.");
        }
    }
}
