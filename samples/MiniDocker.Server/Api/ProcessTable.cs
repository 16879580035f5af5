using System.Globalization;

namespace MiniDocker.Server.Api;

/// <summary>
/// A process as <c>ps -ef</c> shows it (what dockerd runs for <c>docker top</c>), read from
/// <c>/proc</c>: host pids, the user by number, start time and CPU time.
/// </summary>
internal static class ProcessTable
{
    public static readonly string[] Titles = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"];

    private static readonly long TicksPerSecond = 100; // USER_HZ on every Linux architecture .NET runs on

    /// <summary>The row, or null when the process ended while it was read.</summary>
    public static string[]? Row(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may itself hold spaces or parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = fields[1];
            var cpuTicks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var startTicks = long.Parse(fields[19], CultureInfo.InvariantCulture);
            var uid = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
            if (cmdline.Length == 0) cmdline = $"[{stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')]}]";
            var started = BootTime().AddSeconds((double)startTicks / TicksPerSecond).ToLocalTime();
            var cpu = TimeSpan.FromSeconds((double)cpuTicks / TicksPerSecond);
            return [uid, pid.ToString(CultureInfo.InvariantCulture), ppid, "0", started.ToString("HH:mm", CultureInfo.InvariantCulture), "?",
                $"{(int)cpu.TotalHours:00}:{cpu.Minutes:00}:{cpu.Seconds:00}", cmdline];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    private static DateTimeOffset BootTime()
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("btime ", StringComparison.Ordinal));
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(line[6..], CultureInfo.InvariantCulture));
    }
}
