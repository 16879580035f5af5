using System.Globalization;

namespace MiniDocker.Containers.State;

/// <summary>Tells a process from a later one that got the same pid: its start time since boot.</summary>
internal static class ProcessIdentity
{
    /// <summary>Field 22 of /proc/pid/stat, or null when the process is gone.</summary>
    public static ulong? StartTime(int pid) => Read(pid)?.StartTime;

    /// <summary>Alive: there, the same process (same start time), and not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid, ulong startTime) =>
        pid > 0 && Read(pid) is { State: not 'Z', StartTime: var now } && now == startTime;

    private static (char State, ulong StartTime)? Read(int pid)
    {
        string stat;
        try
        {
            stat = IO.SmallFile.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (fields[0][0], start)
            : null;
    }
}
