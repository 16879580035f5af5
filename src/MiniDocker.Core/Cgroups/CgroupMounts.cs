namespace MiniDocker.Cgroups;

/// <summary>
/// Where this host mounts its cgroup hierarchies and where in them this process lives,
/// read from /proc/self/mountinfo and /proc/self/cgroup.
/// </summary>
/// <param name="V1">Each v1 controller's mount point and this process's cgroup in it.</param>
/// <param name="V2Mount">The cgroup2 mount point, if any.</param>
/// <param name="V2Path">This process's cgroup in the unified hierarchy ("0::" in /proc/self/cgroup).</param>
internal sealed record CgroupMounts(IReadOnlyDictionary<string, (string Mount, string Path)> V1, string? V2Mount, string V2Path)
{
    public static readonly string[] V1Controllers = ["memory", "cpu", "cpuacct", "cpuset", "pids", "blkio", "freezer", "devices"];

    /// <summary>Hybrid hosts (v1 controllers plus an empty cgroup2 mount) are driven as v1.</summary>
    public CgroupVersion Version => V1.ContainsKey("memory") || V1.ContainsKey("pids") || V1.ContainsKey("cpu")
        ? CgroupVersion.V1
        : V2Mount is not null ? CgroupVersion.V2 : throw new CgroupException("This host has no cgroup hierarchy mounted (neither cgroup v1 controllers nor cgroup2 in /proc/self/mountinfo).");

    public static CgroupMounts Read() => Parse(File.ReadAllLines("/proc/self/mountinfo"), File.ReadAllLines("/proc/self/cgroup"));

    public static CgroupMounts Parse(IEnumerable<string> mountinfo, IEnumerable<string> cgroupFile)
    {
        var v1Mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? v2Mount = null;
        foreach (var line in mountinfo)
        {
            // id parent major:minor root mountpoint options [optional fields] - fstype source superoptions
            var fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (dash < 0 || fields.Length < dash + 4) continue;
            var mountPoint = Unescape(fields[4]);
            var type = fields[dash + 1];
            if (type == "cgroup2")
            {
                v2Mount ??= mountPoint;
            }
            else if (type == "cgroup")
            {
                foreach (var option in fields[dash + 3].Split(','))
                {
                    if (V1Controllers.Contains(option)) v1Mounts.TryAdd(option, mountPoint);
                }
            }
        }

        var v1 = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        string v2Path = "/";
        foreach (var line in cgroupFile)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                v2Path = parts[2];
                continue;
            }
            foreach (var controller in parts[1].Split(','))
            {
                if (v1Mounts.TryGetValue(controller, out var mount)) v1[controller] = (mount, parts[2]);
            }
        }
        return new CgroupMounts(v1, v2Mount, v2Path);
    }

    // mountinfo escapes space, tab, newline and backslash as octal.
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
