using System.Globalization;

namespace MiniDocker.Cgroups;

/// <summary>Reads the number formats cgroup files use.</summary>
internal static class CgroupFiles
{
    public static ulong ReadNumber(ICgroupFileSystem fs, string path) => ParseNumber(fs.ReadFile(path).Trim()) ?? 0;

    public static ulong? ReadNumberOrMax(ICgroupFileSystem fs, string path) =>
        fs.FileExists(path) ? ParseNumber(fs.ReadFile(path).Trim()) : null;

    /// <summary>A number, or null for "max" (v2's unlimited).</summary>
    public static ulong? ParseNumber(string text) =>
        text == "max" ? null : ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>"key value" lines (memory.events, cpu.stat, memory.oom_control) as a dictionary.</summary>
    public static Dictionary<string, ulong> ReadKeyValues(ICgroupFileSystem fs, string path)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (!fs.FileExists(path)) return values;
        foreach (var line in fs.ReadFile(path).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                values[parts[0]] = value;
        }
        return values;
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
