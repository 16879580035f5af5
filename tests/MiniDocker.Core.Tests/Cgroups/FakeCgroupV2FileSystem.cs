using System.Globalization;
using MiniDocker.Cgroups;
using MiniDocker.Interop;

namespace MiniDocker.Tests.Cgroups;

/// <summary>
/// A model of the kernel's cgroup2 filesystem for the files the v2 driver touches: controllers
/// appear in a child only when its parent delegates them, the no-internal-processes rule, the
/// values each file accepts (EINVAL otherwise), cgroup.events, freeze and kill, rmdir rules.
/// </summary>
internal sealed class FakeCgroupV2FileSystem : ICgroupFileSystem
{
    public const string Root = "/fake/cgroup";

    private static readonly string[] CoreFiles = ["cgroup.controllers", "cgroup.subtree_control", "cgroup.procs", "cgroup.events", "cgroup.freeze", "cgroup.kill", "cpu.stat"];

    private static readonly Dictionary<string, string[]> ControllerFiles = new()
    {
        ["memory"] = ["memory.max", "memory.swap.max", "memory.low", "memory.high", "memory.current", "memory.peak", "memory.events"],
        ["cpu"] = ["cpu.max", "cpu.weight"],
        ["cpuset"] = ["cpuset.cpus", "cpuset.mems"],
        ["pids"] = ["pids.max", "pids.current"],
        ["io"] = ["io.weight", "io.max", "io.stat"],
    };

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);

    public FakeCgroupV2FileSystem(string rootControllers = "cpuset cpu io memory pids")
    {
        _nodes[Root] = new Node(null) { Controllers = [.. rootControllers.Split(' ', StringSplitOptions.RemoveEmptyEntries)] };
    }

    /// <summary>Every successful write, in order, as "path=value".</summary>
    public List<string> Writes { get; } = [];

    public Node this[string path] => _nodes[path];

    public bool DirectoryExists(string path) => _nodes.ContainsKey(path);

    public bool FileExists(string path)
    {
        var (dir, file) = Split(path);
        if (!_nodes.TryGetValue(dir, out var node)) return false;
        if (CoreFiles.Contains(file)) return true;
        var controller = ControllerFiles.FirstOrDefault(kv => kv.Value.Contains(file)).Key;
        return controller is not null && node.Parent is not null && node.Parent.SubtreeControl.Contains(controller);
    }

    public string ReadFile(string path)
    {
        if (!FileExists(path)) throw new CgroupException($"Reading {path} failed: ENOENT.", Errno.ENOENT);
        var (dir, file) = Split(path);
        var node = _nodes[dir];
        return file switch
        {
            "cgroup.controllers" => string.Join(' ', node.Controllers) + "\n",
            "cgroup.subtree_control" => string.Join(' ', node.SubtreeControl) + "\n",
            "cgroup.procs" => string.Concat(node.Processes.Select(p => p + "\n")),
            "cgroup.events" => $"populated {(Populated(dir) ? 1 : 0)}\nfrozen {(node.Frozen ? 1 : 0)}\n",
            "cgroup.freeze" => node.Frozen ? "1\n" : "0\n",
            "memory.events" => $"low 0\nhigh 0\nmax 0\noom 0\noom_kill {node.OomKills}\n",
            "cpu.stat" => $"usage_usec {node.CpuUsageMicroseconds}\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 3\nthrottled_usec 1500\n",
            "memory.current" => node.MemoryCurrent.ToString(CultureInfo.InvariantCulture) + "\n",
            "pids.current" => node.Processes.Count.ToString(CultureInfo.InvariantCulture) + "\n",
            "io.stat" => "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2\n",
            _ => node.Values.GetValueOrDefault(file, "max") + "\n",
        };
    }

    public void WriteFile(string path, string value)
    {
        if (!FileExists(path)) throw Refused(path, value, Errno.ENOENT);
        var (dir, file) = Split(path);
        var node = _nodes[dir];
        switch (file)
        {
            case "cgroup.subtree_control":
                foreach (var change in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var name = change[1..];
                    if (change[0] is not ('+' or '-') || !node.Controllers.Contains(name)) throw Refused(path, value, Errno.ENOENT);
                    // The no-internal-processes rule: only the root may delegate while it has processes.
                    if (change[0] == '+' && node.Parent is not null && node.Processes.Count > 0) throw Refused(path, value, Errno.EBUSY);
                    if (change[0] == '+') node.SubtreeControl.Add(name);
                    else node.SubtreeControl.Remove(name);
                }
                foreach (var child in Children(dir)) child.Controllers = [.. node.SubtreeControl];
                break;
            case "cgroup.procs":
                if (node.Parent is not null && node.SubtreeControl.Count > 0) throw Refused(path, value, Errno.EBUSY);
                var pid = int.Parse(value, CultureInfo.InvariantCulture);
                foreach (var other in _nodes.Values) other.Processes.Remove(pid);
                node.Processes.Add(pid);
                break;
            case "cgroup.freeze":
                node.Frozen = value.Trim() switch { "1" => true, "0" => false, _ => throw Refused(path, value, Errno.EINVAL) };
                break;
            case "cgroup.kill":
                if (value.Trim() != "1") throw Refused(path, value, Errno.EINVAL);
                foreach (var (p, n) in _nodes) if (p == dir || p.StartsWith(dir + "/", StringComparison.Ordinal)) n.Processes.Clear();
                break;
            default:
                if (!Accepts(file, value.Trim())) throw Refused(path, value, Errno.EINVAL);
                node.Values[file] = value.Trim();
                break;
        }
        Writes.Add($"{path}={value}");
    }

    public void CreateDirectory(string path)
    {
        if (_nodes.ContainsKey(path)) return;
        var (parentPath, _) = Split(path);
        if (!_nodes.TryGetValue(parentPath, out var parent)) throw new CgroupException($"Creating {path} failed: ENOENT.", Errno.ENOENT);
        _nodes[path] = new Node(parent) { Controllers = [.. parent.SubtreeControl] };
    }

    public bool RemoveDirectory(string path)
    {
        if (!_nodes.TryGetValue(path, out var node)) return true;
        if (node.Processes.Count > 0 || Children(path).Any()) return false;
        _nodes.Remove(path);
        return true;
    }

    public IEnumerable<string> ListDirectories(string path) => _nodes.Keys.Where(k => Split(k).Directory == path).ToList();

    public DateTimeOffset CreationTime(string path) => _nodes[path].Created;

    private IEnumerable<Node> Children(string dir) => _nodes.Where(kv => Split(kv.Key).Directory == dir).Select(kv => kv.Value);

    private bool Populated(string dir) => _nodes.Any(kv => (kv.Key == dir || kv.Key.StartsWith(dir + "/", StringComparison.Ordinal)) && kv.Value.Processes.Count > 0);

    private static (string Directory, string File) Split(string path)
    {
        int slash = path.LastIndexOf('/');
        return (path[..slash], path[(slash + 1)..]);
    }

    private static bool Accepts(string file, string value)
    {
        static bool Number(string v) => ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        static bool NumberOrMax(string v) => v == "max" || Number(v);
        switch (file)
        {
            case "memory.max" or "memory.swap.max" or "memory.high" or "pids.max":
                return NumberOrMax(value);
            case "memory.low":
                return Number(value);
            case "cpu.weight":
                return ulong.TryParse(value, out var w) && w is >= 1 and <= 10000;
            case "cpu.max":
            {
                var parts = value.Split(' ');
                return parts.Length == 2 && (parts[0] == "max" || (long.TryParse(parts[0], out var q) && q >= 1000))
                    && long.TryParse(parts[1], out var p) && p is >= 1000 and <= 1_000_000;
            }
            case "cpuset.cpus" or "cpuset.mems":
                try
                {
                    _ = HostResources.ParseList(value);
                    return true;
                }
                catch (FormatException)
                {
                    return false;
                }
            case "io.weight":
                return value.StartsWith("default ", StringComparison.Ordinal) && ulong.TryParse(value[8..], out var iw) && iw is >= 1 and <= 10000;
            case "io.max":
            {
                var parts = value.Split(' ');
                return parts.Length >= 2 && parts[0].Contains(':', StringComparison.Ordinal)
                    && parts.Skip(1).All(kv => kv.Split('=') is [("rbps" or "wbps" or "riops" or "wiops"), var n] && NumberOrMax(n));
            }
            default:
                return false;
        }
    }

    private static CgroupException Refused(string path, string value, int errno) => CgroupFileSystem.Failure(path, value, errno);

    internal sealed class Node(Node? parent)
    {
        public Node? Parent { get; } = parent;
        public HashSet<string> Controllers { get; set; } = [];
        public HashSet<string> SubtreeControl { get; } = [];
        public HashSet<int> Processes { get; } = [];
        public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
        public bool Frozen { get; set; }
        public ulong OomKills { get; set; }
        public ulong CpuUsageMicroseconds { get; set; } = 2500;
        public ulong MemoryCurrent { get; set; } = 1 << 20;
        public DateTimeOffset Created { get; set; } = DateTimeOffset.UtcNow;
    }
}
