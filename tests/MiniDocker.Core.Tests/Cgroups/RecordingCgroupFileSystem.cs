using MiniDocker.Cgroups;

namespace MiniDocker.Tests.Cgroups;

/// <summary>A cgroup v1 tree as plain files in memory: every write recorded, no kernel rules.</summary>
internal sealed class RecordingCgroupFileSystem : ICgroupFileSystem
{
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public List<string> Writes { get; } = [];

    public bool FileExists(string path) => Files.ContainsKey(path);

    public bool DirectoryExists(string path) => _directories.Contains(path);

    public string ReadFile(string path) => Files.TryGetValue(path, out var value) ? value : throw new CgroupException($"No file {path}");

    public void WriteFile(string path, string value)
    {
        Files[path] = value;
        Writes.Add($"{path}={value}");
    }

    public void CreateDirectory(string path)
    {
        if (!_directories.Add(path)) return;
        foreach (var file in new[] { "cpuset.cpus", "cpuset.mems", "cgroup.procs", "memory.memsw.limit_in_bytes" })
            Files[$"{path}/{file}"] = "";
    }

    public bool RemoveDirectory(string path) => _directories.Remove(path) || true;

    public IEnumerable<string> ListDirectories(string path) => _directories.Where(d => Path.GetDirectoryName(d) == path).ToList();

    public DateTimeOffset CreationTime(string path) => DateTimeOffset.UnixEpoch;

    public void AddDirectory(string path) => _directories.Add(path);
}
