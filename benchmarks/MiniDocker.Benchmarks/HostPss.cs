using System.Globalization;

namespace MiniDocker.Benchmarks;

/// <summary>What the host pays for supervising containers: this process's PSS and its log monitors' (its md-log children).</summary>
internal static class HostPss
{
    public static long Kib()
    {
        long total = Of(Environment.ProcessId);
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == self && File.ReadAllText($"/proc/{pid}/comm").Trim() == "md-log") total += Of(pid);
            }
            catch (IOException)
            {
            }
        }
        return total;
    }

    private static long Of(int pid) =>
        File.ReadLines($"/proc/{pid}/smaps_rollup").Where(l => l.StartsWith("Pss:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).Sum();
}
