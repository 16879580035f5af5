using System.Globalization;

namespace MiniDocker.Containers.State;

/// <summary>Tells a process from a later one that got the same pid: its start time since boot.</summary>
internal static class ProcessIdentity
{
    /// <summary>Field 22 of /proc/pid/stat, or null when the process is gone.</summary>
    public static ulong? StartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    public static bool IsAlive(int pid, ulong startTime) =>
        pid > 0 && StartTime(pid) is { } now && now == startTime && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }
}
